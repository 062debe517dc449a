-- connection 28: a transaction begins

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

CREATE TABLE IF NOT EXISTS song_match_share (
    matched BOOLEAN          NOT NULL PRIMARY KEY, -- Whether the plays were matched to a song of the catalogue. <- songplays.song_id
    plays   BIGINT           NOT NULL,             -- How many plays. <- songplays.songplay_id
    share   DOUBLE PRECISION NOT NULL              -- Those plays / all plays, 0-1. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
DISTSTYLE ALL;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'song_match_share'
ORDER BY ordinal_position;

-- Redshift's LOCK has no modes: it takes an exclusive lock until commit, so overlapping runs
-- wait instead of failing with a serializable isolation error; readers wait too.
LOCK "song_match_share";

-- DELETE, not TRUNCATE: "TRUNCATE commits the transaction in which it is run"
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_TRUNCATE.html), so a rebuild would not be
-- atomic. Redshift "can automatically sort and perform a VACUUM DELETE operation on tables in
-- the background" (https://docs.aws.amazon.com/redshift/latest/dg/t_Reclaiming_storage_space202.html).
DELETE FROM "song_match_share";

-- Plays matched and not matched to a song of the catalogue, with their shares of all plays:
-- how much of the listening the song dimension can describe. (Grouped on a CASE, not on the
-- boolean test itself, which Redshift allows only in WHERE.)
INSERT INTO song_match_share (matched, plays, share)
SELECT
    matched,
    COUNT(*),
    CAST(COUNT(*) AS DOUBLE PRECISION) / (SELECT COUNT(*) FROM songplays)
FROM (
    SELECT CASE WHEN song_id IS NULL THEN FALSE ELSE TRUE END AS matched FROM songplays
) AS plays
GROUP BY matched;

SELECT COUNT(*) FROM "song_match_share";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'song_match_share'
ORDER BY ordinal_position;

-- Fresh planner statistics once a table's rows are replaced, so that the INSERTs and checks
-- that read it next choose their joins from its real size. (Not COPY's STATUPDATE: a daily load COPYs into
-- an incoming table, whose statistics nobody reads.)
ANALYZE "song_match_share";

COMMIT;

-- connection 29: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

-- The last rows of a table in key order: all of a ranking, the latest days of a daily table.
SELECT * FROM (SELECT * FROM "song_match_share" ORDER BY "matched" DESC LIMIT 40) AS latest ORDER BY "matched";

COMMIT;
