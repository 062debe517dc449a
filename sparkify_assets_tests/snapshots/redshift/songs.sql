-- connection 11: a transaction begins

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

CREATE TABLE IF NOT EXISTS songs (
    song_id   VARCHAR(32) NOT NULL PRIMARY KEY, -- The catalogue's song id. <- staging_songs.song_id
    title     VARCHAR(512),                     -- The song's title. <- staging_songs.title
    artist_id VARCHAR(32),                      -- Its artist. <- staging_songs.artist_id
    year      INTEGER,                          -- Year of release; NULL when unknown. <- staging_songs.year
    duration  DOUBLE PRECISION                  -- Length in seconds. <- staging_songs.duration
)
-- A dimension small enough to copy to every node, so joining songplays to it never moves rows.
DISTSTYLE ALL SORTKEY (song_id);

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'songs'
ORDER BY ordinal_position;

-- Redshift's LOCK has no modes: it takes an exclusive lock until commit, so overlapping runs
-- wait instead of failing with a serializable isolation error; readers wait too.
LOCK "songs";

-- DELETE, not TRUNCATE: "TRUNCATE commits the transaction in which it is run"
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_TRUNCATE.html), so a rebuild would not be
-- atomic. Redshift "can automatically sort and perform a VACUUM DELETE operation on tables in
-- the background" (https://docs.aws.amazon.com/redshift/latest/dg/t_Reclaiming_storage_space202.html).
DELETE FROM "songs";

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
WHERE version = 1;

SELECT COUNT(*) FROM "songs";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'songs'
ORDER BY ordinal_position;

-- Fresh planner statistics once a table's rows are replaced, so that the INSERTs and checks
-- that read it next choose their joins from its real size. (Not COPY's STATUPDATE: a daily load COPYs into
-- an incoming table, whose statistics nobody reads.)
ANALYZE "songs";

COMMIT;
