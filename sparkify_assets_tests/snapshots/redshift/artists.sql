-- connection 8: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'staging_songs';

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS artists (
    artist_id VARCHAR(32) NOT NULL PRIMARY KEY, -- The catalogue's artist id. <- staging_songs.artist_id
    name      VARCHAR(512),                     -- The name on most of the artist's songs. <- staging_songs.artist_name
    location  VARCHAR(512),                     -- The most common place given for the artist; NULL when none. <- staging_songs.artist_location
    latitude  DOUBLE PRECISION,                 -- With longitude, the most common coordinates given; NULL when none. <- staging_songs.artist_latitude
    longitude DOUBLE PRECISION                  -- See latitude. <- staging_songs.artist_longitude
)
-- A dimension small enough to copy to every node, so joining songplays to it never moves rows.
DISTSTYLE ALL SORTKEY (artist_id);

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'artists'
ORDER BY ordinal_position;

-- Redshift's LOCK has no modes: it takes an exclusive lock until commit, so overlapping runs
-- wait instead of failing with a serializable isolation error; readers wait too.
LOCK "artists";

-- DELETE, not TRUNCATE: "TRUNCATE commits the transaction in which it is run"
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_TRUNCATE.html), so a rebuild would not be
-- atomic. Redshift "can automatically sort and perform a VACUUM DELETE operation on tables in
-- the background" (https://docs.aws.amazon.com/redshift/latest/dg/t_Reclaiming_storage_space202.html).
DELETE FROM "artists";

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
LEFT JOIN coordinates AS c ON c.artist_id = a.artist_id AND c.preference = 1;

SELECT COUNT(*) FROM "artists";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'artists'
ORDER BY ordinal_position;

-- Fresh planner statistics once a table's rows are replaced, so that the INSERTs and checks
-- that read it next choose their joins from its real size. (Not COPY's STATUPDATE: a daily load COPYs into
-- an incoming table, whose statistics nobody reads.)
ANALYZE "artists";

COMMIT;
