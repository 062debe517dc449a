-- The warehouse's side of every count in the generator's ground truth (sparkify_assets/sample/truth.py).
SELECT
    (SELECT COUNT(*) FROM staging_events)       AS events,
    (SELECT COUNT(*) FROM staging_events WHERE user_id IS NULL) AS logged_out_events,
    (SELECT COUNT(*) FROM staging_songs)        AS song_files,
    (SELECT COUNT(*) FROM songplays)            AS nextsong_plays,
    (SELECT COUNT(song_id) FROM songplays)      AS matched_plays,
    (SELECT COUNT(*) FROM users)                AS users,
    (SELECT COUNT(*) FROM songs)                AS songs,
    (SELECT COUNT(*) FROM artists)              AS artists,
    (SELECT COUNT(*) FROM time)                 AS distinct_start_times
