-- connection 22: a transaction begins

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

CREATE TABLE IF NOT EXISTS daily_active_users (
    day          DATE   NOT NULL PRIMARY KEY, -- A day (UTC) with at least one play. <- songplays.start_time
    active_users BIGINT NOT NULL,             -- Distinct users who played a song that day. <- songplays.user_id
    plays        BIGINT NOT NULL              -- Plays that day. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
DISTSTYLE ALL;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'daily_active_users'
ORDER BY ordinal_position;

-- Redshift's LOCK has no modes: it takes an exclusive lock until commit, so overlapping runs
-- wait instead of failing with a serializable isolation error; readers wait too.
LOCK "daily_active_users";

-- DELETE, not TRUNCATE: "TRUNCATE commits the transaction in which it is run"
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_TRUNCATE.html), so a rebuild would not be
-- atomic. Redshift "can automatically sort and perform a VACUUM DELETE operation on tables in
-- the background" (https://docs.aws.amazon.com/redshift/latest/dg/t_Reclaiming_storage_space202.html).
DELETE FROM "daily_active_users";

-- Users active each day (UTC): those who played at least one song.
INSERT INTO daily_active_users (day, active_users, plays)
SELECT CAST(start_time AS DATE), COUNT(DISTINCT user_id), COUNT(*)
FROM songplays
GROUP BY CAST(start_time AS DATE);

SELECT COUNT(*) FROM "daily_active_users";

-- The table's own rows for the days of the run: a day's active users and plays, drawn by the
-- Plots tab of the asset a point per day.
SELECT day, active_users, plays
FROM daily_active_users
WHERE day >= '1900-01-01T00:00:00'::timestamp AND day < '9999-12-31T00:00:00'::timestamp;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'daily_active_users'
ORDER BY ordinal_position;

-- Fresh planner statistics once a table's rows are replaced, so that the INSERTs and checks
-- that read it next choose their joins from its real size. (Not COPY's STATUPDATE: a daily load COPYs into
-- an incoming table, whose statistics nobody reads.)
ANALYZE "daily_active_users";

COMMIT;

-- connection 23: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

-- The last rows of a table in key order: all of a ranking, the latest days of a daily table.
SELECT * FROM (SELECT * FROM "daily_active_users" ORDER BY "day" DESC LIMIT 40) AS latest ORDER BY "day";

COMMIT;
