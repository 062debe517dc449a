-- One row per song_id; a year of 0 in the source means unknown.
INSERT INTO songs (song_id, title, artist_id, year, duration)
SELECT song_id, title, artist_id, NULLIF(year, 0), duration
FROM (
    SELECT
        song_id,
        title,
        artist_id,
        year,
        duration,
        ROW_NUMBER() OVER (
            PARTITION BY song_id ORDER BY artist_id, title, duration, year
        ) AS version
    FROM staging_songs
    WHERE song_id IS NOT NULL
) AS song_versions
WHERE version = 1
