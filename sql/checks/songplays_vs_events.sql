-- songplays must hold exactly one row per distinct NextSong event with a user.
SELECT
    (SELECT COUNT(*) FROM songplays) AS songplays,
    (
        SELECT COUNT(*)
        FROM (
            SELECT DISTINCT user_id, session_id, item_in_session
            FROM staging_events
            WHERE page = 'NextSong' AND user_id IS NOT NULL
        ) AS plays
    ) AS nextsong_events
