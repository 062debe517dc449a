-- connection 30: a transaction begins

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

CREATE TABLE IF NOT EXISTS time (
    start_time TIMESTAMP NOT NULL PRIMARY KEY, -- A moment some play started, UTC. <- songplays.start_time
    hour       SMALLINT,                       -- Hour of the day, 0-23. <- songplays.start_time
    day        SMALLINT,                       -- Day of the month, 1-31. <- songplays.start_time
    week       SMALLINT,                       -- ISO week of the year, 1-53. <- songplays.start_time
    month      SMALLINT,                       -- Month, 1-12. <- songplays.start_time
    year       SMALLINT,                       -- Year. <- songplays.start_time
    weekday    SMALLINT                        -- Day of the week, 0 = Sunday … 6 = Saturday. <- songplays.start_time
)
-- As big as songplays and joined to it on start_time: the same distribution and sort key.
DISTSTYLE KEY DISTKEY (start_time) SORTKEY (start_time);

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'time'
ORDER BY ordinal_position;

-- Redshift's LOCK has no modes: it takes an exclusive lock until commit, so overlapping runs
-- wait instead of failing with a serializable isolation error; readers wait too.
LOCK "time";

-- DELETE, not TRUNCATE: "TRUNCATE commits the transaction in which it is run"
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_TRUNCATE.html), so a rebuild would not be
-- atomic. Redshift "can automatically sort and perform a VACUUM DELETE operation on tables in
-- the background" (https://docs.aws.amazon.com/redshift/latest/dg/t_Reclaiming_storage_space202.html).
DELETE FROM "time";

-- One row per distinct play start of the days being built; week is the ISO week, weekday
-- 0 = Sunday. Inserted in start_time order: on PostgreSQL each key then goes to the end of the
-- key's index instead of a random page of it; on Redshift it is the table's sort key, and
-- "load your data in sort key order" (https://docs.aws.amazon.com/redshift/latest/dg/c_best-practices-sort-key-order.html).
INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT
    start_time,
    EXTRACT(HOUR FROM start_time),
    EXTRACT(DAY FROM start_time),
    EXTRACT(WEEK FROM start_time),
    EXTRACT(MONTH FROM start_time),
    EXTRACT(YEAR FROM start_time),
    EXTRACT(DOW FROM start_time)
FROM (
    SELECT DISTINCT start_time
    FROM songplays
    WHERE start_time >= '2018-11-01T00:00:00'::timestamp AND start_time < '2018-12-01T00:00:00'::timestamp
) AS play_starts
ORDER BY start_time;

-- The counts of the days a run is about to count again.
DELETE FROM day_rows
WHERE tbl_name = 'time' AND day BETWEEN '2018-11-01'::date AND '2018-11-30'::date;

-- The rows of each day of the range, by the UTC day of a TIMESTAMP column (a timestamp CASTs
-- to its DATE: https://docs.aws.amazon.com/redshift/latest/dg/r_CAST_function.html).
INSERT INTO day_rows (tbl_name, day, row_count)
SELECT 'time', CAST("start_time" AS DATE), COUNT(*)
FROM "time"
WHERE "start_time" >= '2018-11-01T00:00:00'::timestamp AND "start_time" < '2018-12-01T00:00:00'::timestamp
GROUP BY CAST("start_time" AS DATE);

-- A table's whole row count: the sum of its days' (kept by every run that writes it).
SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT)
FROM day_rows
WHERE tbl_name = 'time';

-- The counts of the days of a run: each day's dagster/partition_row_count.
SELECT day, row_count
FROM day_rows
WHERE tbl_name = 'time' AND day BETWEEN '2018-11-01'::date AND '2018-11-30'::date;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'time'
ORDER BY ordinal_position;

-- Fresh planner statistics once a table's rows are replaced, so that the INSERTs and checks
-- that read it next choose their joins from its real size. (Not COPY's STATUPDATE: a daily load COPYs into
-- an incoming table, whose statistics nobody reads.)
ANALYZE "time";

COMMIT;
