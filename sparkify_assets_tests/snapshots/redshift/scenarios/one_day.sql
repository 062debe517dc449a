-- connection 1: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'day_rows';

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

-- One row per load attempt of a staging table, committed or failed, with the counts that must
-- reconcile: rows_loaded + rejected = records_read. Only status = 'committed' rows are in the
-- table; a failed load's rows_loaded are those it read before it stopped and then rolled back
-- (Redshift does not report them for a failed COPY: there they are 0).
CREATE TABLE IF NOT EXISTS load_history (
    load_id      VARCHAR(64)   NOT NULL PRIMARY KEY,
    tbl_name     VARCHAR(128)  NOT NULL,
    source       VARCHAR(1024) NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    started_at   TIMESTAMP     NOT NULL,
    finished_at  TIMESTAMP     NOT NULL,
    files        INTEGER       NOT NULL,
    records_read BIGINT        NOT NULL,
    rows_loaded  BIGINT        NOT NULL,
    rejected     BIGINT        NOT NULL,
    maxerror     INTEGER       NOT NULL,
    first_day    DATE,         -- the days a daily load covered; NULL: the whole table
    last_day     DATE
)
-- Small bookkeeping: Redshift chooses (ALL while small, EVEN if it grows).
DISTSTYLE AUTO;

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

-- Every record a load rejected, shaped like Redshift's STL_LOAD_ERRORS so that the same
-- queries and checks read it on both targets. A file-level problem (an empty file) has line 0.
-- Each column holds what can be written into it: filename a local key as long as a path
-- (PATH_MAX, 4096 bytes) or an S3 URI (a key is at most 1024 bytes); the rest what
-- SYS_LOAD_ERROR_DETAIL gives (column_name CHAR(127), column_type CHAR(10), error_message
-- CHAR(512)) and the local COPY writes (raw_line and raw_field_value are cut at 1024
-- characters). Anything longer is cut to fit, ending in an ellipsis, where the rows are written
-- (resources/staging_copy.py), so a rejection is never lost to its width.
CREATE TABLE IF NOT EXISTS load_errors (
    load_id         VARCHAR(64)   NOT NULL,
    starttime       TIMESTAMP     NOT NULL,
    tbl_name        VARCHAR(128)  NOT NULL,
    filename        VARCHAR(4096) NOT NULL,
    line_number     BIGINT        NOT NULL,
    colname         VARCHAR(128),
    type            VARCHAR(32),
    raw_line        VARCHAR(1024),
    raw_field_value VARCHAR(1024),
    err_code        INTEGER       NOT NULL,
    err_reason      VARCHAR(512)  NOT NULL
)
-- Small bookkeeping: Redshift chooses (ALL while small, EVEN if it grows).
DISTSTYLE AUTO;

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

-- Schema drift: the top-level JSON keys a committed staging load saw that fill no column (not
-- the first step of any JSONPath; under 'auto', not a column's name), which COPY drops without
-- a word on both targets. One row per load and key, with how many records had it and the first
-- file and line (by file, then line) that did. Locally every loaded record is counted; on
-- Redshift a sample of the files its COPY read (resources/staging_copy.py says which). Keys and
-- files longer than their column are cut to fit, ending in an ellipsis.
-- Redshift: CREATE TABLE, https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_NEW.html
CREATE TABLE IF NOT EXISTS load_unmapped_keys (
    load_id      VARCHAR(64)   NOT NULL, -- The load that saw the key: load_history.load_id.
    tbl_name     VARCHAR(128)  NOT NULL, -- The staging table loaded.
    json_key     VARCHAR(512)  NOT NULL, -- The top-level JSON key that fills no column.
    records      BIGINT        NOT NULL, -- How many loaded records had the key (in the sample, on Redshift).
    example_file VARCHAR(4096) NOT NULL, -- The first file with the key, as a key under the source.
    example_line BIGINT        NOT NULL  -- The line of that file where the first such record starts.
)
-- Small bookkeeping: Redshift chooses (ALL while small, EVEN if it grows).
-- https://docs.aws.amazon.com/redshift/latest/dg/c_choosing_dist_sort.html
DISTSTYLE AUTO;

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

-- Each day's rows of each table split by day, kept with the table in the same transaction: a
-- run of some days counts only its days (figures of those days' materializations) and the
-- table's whole row count is the sum here, not a COUNT(*) that grows with every day loaded.
CREATE TABLE IF NOT EXISTS day_rows (
    tbl_name  VARCHAR(128) NOT NULL, -- The table: staging_events, songplays or time.
    day       DATE         NOT NULL, -- A UTC day of its day column.
    row_count BIGINT       NOT NULL  -- Its rows of that day.
)
-- Small bookkeeping: Redshift chooses (ALL while small, EVEN if it grows).
DISTSTYLE AUTO;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'load_history'
ORDER BY ordinal_position;

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

-- Raw events, one row per log record. Columns follow log_json_path.json by position, as
-- Redshift's COPY … FORMAT AS JSON '<jsonpaths>' maps them; values stay raw (cleaning is in star/).
CREATE TABLE IF NOT EXISTS staging_events (
    artist          VARCHAR(512),     -- Artist name of the song played; double-encoded UTF-8 as the logs hold it.
    auth            VARCHAR(32),      -- Logged In, Logged Out, Guest or Cancelled.
    first_name      VARCHAR(256),     -- User's first name.
    gender          VARCHAR(16),      -- User's gender, F or M.
    item_in_session INTEGER,          -- Position of the event in its session, from 0.
    last_name       VARCHAR(256),     -- User's last name.
    length          DOUBLE PRECISION, -- Length of the song played, in seconds.
    level           VARCHAR(16),      -- free or paid, as the user was at the event.
    location        VARCHAR(512),     -- Where the user was ("City, ST").
    method          VARCHAR(16),      -- HTTP method of the request (GET, PUT).
    page            VARCHAR(64),      -- The app page; NextSong is a song play.
    registration    DOUBLE PRECISION, -- When the user registered, in ms since 1970.
    session_id      INTEGER,          -- The app session.
    song            VARCHAR(512),     -- Title of the song played; double-encoded UTF-8 as the logs hold it.
    status          SMALLINT,         -- HTTP status of the request.
    ts              BIGINT,           -- When the event happened, in ms since 1970 (UTC).
    user_agent      VARCHAR(1024),    -- The user's browser, often in literal double quotes.
    user_id         INTEGER           -- The app's user id; NULL for logged-out events ("" in the logs).
)
-- The largest table, read once in full by each star build and joined on expressions of its
-- columns (repaired text), so no key would co-locate a join: spread evenly for a fast COPY.
-- Sorted by ts, so that a day's DELETE and reads skip the blocks of other days.
DISTSTYLE EVEN SORTKEY (ts);

-- Redshift's LOCK has no modes: it takes an exclusive lock until commit, so overlapping runs
-- wait instead of failing with a serializable isolation error; readers wait too.
LOCK "staging_events";

-- Redshift has no indexes: instead of "staging_events_ts_day" on "staging_events" ("ts"), each daily table's SORTKEY
-- on its day column does this job (see <table>.distribution.redshift.sql).
SELECT 1;

-- A range of days' rows (low included, high excluded): a daily-partitioned table is rewritten
-- a range of days at a time.
DELETE FROM "staging_events" WHERE "ts" >= 1541376000000 AND "ts" < 1541462400000;

-- This session's own table that a load of some days COPYs into first, so that those days'
-- rows in the staging table can be replaced exactly, and rows from other days set aside.
CREATE TEMP TABLE "staging_events_incoming" (LIKE "staging_events");

-- This session's process id, asked for on its own before the COPY: SYS_LOAD_HISTORY names the
-- COPY's session by it ("session_id: the process identifier of the process running the copy",
-- https://docs.aws.amazon.com/redshift/latest/dg/SYS_LOAD_HISTORY.html; PG_BACKEND_PID,
-- https://docs.aws.amazon.com/redshift/latest/dg/PG_BACKEND_PID.html).
SELECT pg_backend_pid();

-- Redshift's own COPY of JSON files into a staging table. It runs inside the load's transaction,
-- after the table's DELETE, so a COPY that fails leaves the table as it was.
--   FROM         the table's prefix (every file under it), or a manifest of chosen files
--   FORMAT       'auto' maps keys to same-named columns; a JSONPaths file maps them by position
--   MAXERROR     rejected records tolerated (SPARKIFY_MAXERROR); each is logged in stl_load_errors
--   COMPUPDATE   OFF: no compression analysis on each reload; the tables keep ENCODE AUTO
--   STATUPDATE   OFF: the load ANALYZEs the staging table itself once its rows are in place
COPY "staging_events_incoming"
FROM 's3://udacity-dend/log_data/2018/11/2018-11-05-events.json'
IAM_ROLE 'arn:aws:iam::123456789012:role/sparkify-redshift-s3-read'
FORMAT AS JSON 's3://udacity-dend/log_json_path.json'
REGION 'us-west-2'
MAXERROR 0
COMPUPDATE OFF
STATUPDATE OFF;

-- What the COPY did, from SYS_LOAD_HISTORY, which provisioned clusters and Serverless both have
-- (the STL views do not exist on Serverless:
-- https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-monitoring.html). Each row is one
-- COPY, running or finished, with status running, completed or aborted
-- (https://docs.aws.amazon.com/redshift/latest/dg/SYS_LOAD_HISTORY.html). A load's connection
-- runs one COPY, so the session's latest is the load's.
SELECT query_id, status, loaded_rows, source_file_count, error_count
FROM sys_load_history
WHERE session_id = 1073
ORDER BY start_time DESC
LIMIT 1;

-- The files the load's COPY read, first by name: what the schema-drift scan samples after it.
-- SYS_LOAD_DETAIL has a row per data file of a COPY, file_name its s3:// address (CHAR, so
-- trimmed), on provisioned clusters and Serverless alike
-- (https://docs.aws.amazon.com/redshift/latest/dg/SYS_LOAD_DETAIL.html); the COPY's query_id
-- is SYS_LOAD_HISTORY's (meta/copy_outcome). TRIM:
-- https://docs.aws.amazon.com/redshift/latest/dg/r_TRIM.html; ORDER BY and LIMIT:
-- https://docs.aws.amazon.com/redshift/latest/dg/r_ORDER_BY_clause.html.
SELECT DISTINCT TRIM(file_name) AS file_name
FROM sys_load_detail
WHERE query_id = 4242
ORDER BY 1
LIMIT 10000;

SELECT COUNT(*) FROM "staging_events_incoming"
WHERE "ts" IS NULL OR "ts" < 1541376000000 OR "ts" >= 1541462400000;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'load_errors'
ORDER BY ordinal_position;

-- Loaded rows that belong to no day being loaded (their day is another load's, or they have
-- none) are not kept: that would make reloading their own day duplicate them. They are
-- recorded as rejected, so the totals still reconcile. Sparkify's own error code: 9001.
INSERT INTO load_errors (
    load_id, starttime, tbl_name, filename, line_number, colname, type,
    raw_line, raw_field_value, err_code, err_reason
)
SELECT
    '00000000000040008000000000000001', '2018-11-30T12:00:00'::timestamp, 'staging_events', 's3://udacity-dend/log_data/2018/11/2018-11-05-events.json', 0, 'ts', 'day',
    NULL, CAST("ts" AS VARCHAR(64)), 9001,
    CASE
        WHEN "ts" IS NULL THEN 'no ' || 'ts' || ', so the record belongs to no day'
        ELSE 'ts' || ' is outside the days loaded (' || '2018-11-05' || ')'
    END
FROM "staging_events_incoming"
WHERE "ts" IS NULL OR "ts" < 1541376000000 OR "ts" >= 1541462400000;

-- The loaded rows that belong to the days being loaded.
INSERT INTO "staging_events"
SELECT * FROM "staging_events_incoming" WHERE "ts" >= 1541376000000 AND "ts" < 1541462400000;

-- A COPY's rejected records, from SYS_LOAD_ERROR_DETAIL (provisioned and Serverless alike:
-- https://docs.aws.amazon.com/redshift/latest/dg/SYS_LOAD_ERROR_DETAIL.html) into load_errors,
-- which has the same shape on both targets, so the same checks read it. Its CHAR columns are
-- trimmed. The view has no raw line or raw value: those two stay NULL here; file and line
-- say where to look.
INSERT INTO load_errors (
    load_id, starttime, tbl_name, filename, line_number, colname, type,
    raw_line, raw_field_value, err_code, err_reason
)
SELECT
    '00000000000040008000000000000001', '2018-11-30T12:00:00'::timestamp, 'staging_events', TRIM(file_name), line_number, TRIM(column_name),
    TRIM(column_type), NULL, NULL, error_code, TRIM(error_message)
FROM sys_load_error_detail
WHERE query_id = 4242;

INSERT INTO load_history (
    load_id, tbl_name, source, status, started_at, finished_at,
    files, records_read, rows_loaded, rejected, maxerror, first_day, last_day
) VALUES (
    '00000000000040008000000000000001', 'staging_events', 's3://udacity-dend/log_data/2018/11/2018-11-05-events.json', 'committed', '2018-11-30T12:00:00'::timestamp, '2018-11-30T12:00:00'::timestamp,
    3, 100, 98, 2, 0,
    '2018-11-05'::date, '2018-11-05'::date
);

-- Fresh planner statistics once a table's rows are replaced, so that the INSERTs and checks
-- that read it next choose their joins from its real size. (Not COPY's STATUPDATE: a daily load COPYs into
-- an incoming table, whose statistics nobody reads.)
ANALYZE "staging_events";

-- The counts of the days a run is about to count again.
DELETE FROM day_rows
WHERE tbl_name = 'staging_events' AND day BETWEEN '2018-11-05'::date AND '2018-11-05'::date;

-- The rows of each day of the range, by the UTC day of a column of epoch milliseconds (ts).
-- Redshift: "TIMESTAMP 'epoch' + ... * INTERVAL '1 second'" turns epoch seconds into a timestamp
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_Dateparts_for_datetime_functions.html,
-- "epoch"); a timestamp CASTs to its DATE
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_CAST_function.html).
INSERT INTO day_rows (tbl_name, day, row_count)
SELECT 'staging_events', CAST(TIMESTAMP 'epoch' + "ts" * INTERVAL '1 millisecond' AS DATE), COUNT(*)
FROM "staging_events"
WHERE "ts" >= 1541376000000 AND "ts" < 1541462400000
GROUP BY CAST(TIMESTAMP 'epoch' + "ts" * INTERVAL '1 millisecond' AS DATE);

-- A table's whole row count: the sum of its days' (kept by every run that writes it).
SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT)
FROM day_rows
WHERE tbl_name = 'staging_events';

-- The counts of the days of a run: each day's dagster/partition_row_count.
SELECT day, row_count
FROM day_rows
WHERE tbl_name = 'staging_events' AND day BETWEEN '2018-11-05'::date AND '2018-11-05'::date;

-- A load's rejected records by file: the day of a log file's name is the day they count for
-- (a rejected record's own ts may be missing or wrong).
SELECT filename, COUNT(*)
FROM load_errors
WHERE load_id = '00000000000040008000000000000001'
GROUP BY filename;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'staging_events'
ORDER BY ordinal_position;

COMMIT;
