-- One row per artist_id. An artist's songs often carry several spellings of its name and
-- location ("X" and "X featuring Y"), so each attribute is chosen on its own:
--   name        the name on most of the artist's songs; ties: the shortest, then A-Z first
--   location    the most common non-empty location, with the same tie rule; else NULL
--   coordinates the most common non-null (latitude, longitude) pair; ties: the smallest pair
-- Text without its trailing blanks, as Redshift compares it (see songplays.insert.sql).
INSERT INTO artists (artist_id, name, location, latitude, longitude)
WITH catalogue AS (
    SELECT
        RTRIM(artist_id) AS artist_id,
        RTRIM(artist_name) AS artist_name,
        RTRIM(artist_location) AS artist_location,
        artist_latitude,
        artist_longitude
    FROM staging_songs
),
names AS (
    SELECT
        artist_id,
        artist_name,
        ROW_NUMBER() OVER (
            PARTITION BY artist_id
            ORDER BY COUNT(*) DESC, LENGTH(artist_name), artist_name
        ) AS preference
    FROM catalogue
    WHERE artist_id IS NOT NULL AND artist_name IS NOT NULL
    GROUP BY artist_id, artist_name
),
locations AS (
    SELECT
        artist_id,
        artist_location,
        ROW_NUMBER() OVER (
            PARTITION BY artist_id
            ORDER BY COUNT(*) DESC, LENGTH(artist_location), artist_location
        ) AS preference
    FROM catalogue
    WHERE artist_id IS NOT NULL AND TRIM(artist_location) <> ''
    GROUP BY artist_id, artist_location
),
coordinates AS (
    SELECT
        artist_id,
        artist_latitude,
        artist_longitude,
        ROW_NUMBER() OVER (
            PARTITION BY artist_id
            ORDER BY COUNT(*) DESC, artist_latitude, artist_longitude
        ) AS preference
    FROM catalogue
    WHERE artist_id IS NOT NULL
      AND artist_latitude IS NOT NULL
      AND artist_longitude IS NOT NULL
    GROUP BY artist_id, artist_latitude, artist_longitude
)
SELECT a.artist_id, n.artist_name, l.artist_location, c.artist_latitude, c.artist_longitude
FROM (SELECT DISTINCT artist_id FROM catalogue WHERE artist_id IS NOT NULL) AS a
LEFT JOIN names AS n ON n.artist_id = a.artist_id AND n.preference = 1
LEFT JOIN locations AS l ON l.artist_id = a.artist_id AND l.preference = 1
LEFT JOIN coordinates AS c ON c.artist_id = a.artist_id AND c.preference = 1
