-- One row per song_id; a year of 0 in the source means unknown. Text without its trailing
-- blanks, as Redshift compares it (see songplays.insert.sql).
INSERT INTO songs (song_id, title, artist_id, year, duration)
SELECT song_id, title, artist_id, NULLIF(year, 0), duration
FROM (
    SELECT
        *,
        ROW_NUMBER() OVER (
            PARTITION BY song_id ORDER BY artist_id, title, duration, year
        ) AS version
    FROM (
        SELECT RTRIM(song_id) AS song_id, RTRIM(title) AS title, RTRIM(artist_id) AS artist_id,
               year, duration
        FROM staging_songs
        WHERE song_id IS NOT NULL
    ) AS catalogue
) AS song_versions
WHERE version = 1
