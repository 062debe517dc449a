-- connection 26: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'songplays';

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS plays_by_level (
    level VARCHAR(16)      NOT NULL PRIMARY KEY, -- free or paid, as the user was when playing. <- songplays.level
    plays BIGINT           NOT NULL,             -- Plays at that level. <- songplays.songplay_id
    share DOUBLE PRECISION NOT NULL              -- Those plays / all plays, 0-1. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
DISTSTYLE ALL;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'plays_by_level'
ORDER BY ordinal_position;

-- Redshift's LOCK has no modes: it takes an exclusive lock until commit, so overlapping runs
-- wait instead of failing with a serializable isolation error; readers wait too.
LOCK "plays_by_level";

-- DELETE, not TRUNCATE: "TRUNCATE commits the transaction in which it is run"
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_TRUNCATE.html), so a rebuild would not be
-- atomic. Redshift "can automatically sort and perform a VACUUM DELETE operation on tables in
-- the background" (https://docs.aws.amazon.com/redshift/latest/dg/t_Reclaiming_storage_space202.html).
DELETE FROM "plays_by_level";

-- Plays by the level of the user at the time of the play, with each level's share of all
-- plays (a play without a level has no row, but counts in the whole).
INSERT INTO plays_by_level (level, plays, share)
SELECT
    level,
    COUNT(*),
    CAST(COUNT(*) AS DOUBLE PRECISION) / (SELECT COUNT(*) FROM songplays)
FROM songplays
WHERE level IS NOT NULL
GROUP BY level;

SELECT COUNT(*) FROM "plays_by_level";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'plays_by_level'
ORDER BY ordinal_position;

-- Fresh planner statistics once a table's rows are replaced, so that the INSERTs and checks
-- that read it next choose their joins from its real size. (Not COPY's STATUPDATE: a daily load COPYs into
-- an incoming table, whose statistics nobody reads.)
ANALYZE "plays_by_level";

COMMIT;

-- connection 27: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

-- The last rows of a table in key order: all of a ranking, the latest days of a daily table.
SELECT * FROM (SELECT * FROM "plays_by_level" ORDER BY "level" DESC LIMIT 40) AS latest ORDER BY "level";

COMMIT;
