-- connection 1: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE SCHEMA IF NOT EXISTS "public";

SET search_path TO "public";

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
CREATE TABLE IF NOT EXISTS load_errors (
    load_id         VARCHAR(64)   NOT NULL,
    starttime       TIMESTAMP     NOT NULL,
    tbl_name        VARCHAR(128)  NOT NULL,
    filename        VARCHAR(1024) NOT NULL,
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

-- DELETE, not TRUNCATE: TRUNCATE commits at once on Redshift, so a rebuild would not be atomic.
DELETE FROM "staging_events";

-- Redshift's own COPY of JSON files into a staging table. It runs inside the load's transaction,
-- after the table's DELETE, so a COPY that fails leaves the table as it was.
--   FROM         the table's prefix (every file under it), or a manifest of chosen files
--   FORMAT       'auto' maps keys to same-named columns; a JSONPaths file maps them by position
--   MAXERROR     rejected records tolerated (SPARKIFY_MAXERROR); each is logged in stl_load_errors
--   COMPUPDATE   OFF: no compression analysis on each reload; the tables keep ENCODE AUTO
--   STATUPDATE   OFF: the load ANALYZEs the staging table itself once its rows are in place
COPY "staging_events"
FROM 's3://udacity-dend/log_data/'
IAM_ROLE 'arn:aws:iam::123456789012:role/sparkify-redshift-s3-read'
FORMAT AS JSON 's3://udacity-dend/log_json_path.json'
REGION 'us-west-2'
MAXERROR 0
COMPUPDATE OFF
STATUPDATE OFF;

ROLLBACK;

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE SCHEMA IF NOT EXISTS "public";

SET search_path TO "public";

-- The query id of the one COPY this session ran. pg_last_copy_id() names it, but not always
-- after the COPY failed and its transaction was rolled back; the session's own rows in
-- stl_load_errors do then. -1 when neither knows of a COPY.
SELECT COALESCE(
    NULLIF(pg_last_copy_id(), -1),
    (SELECT MAX(query) FROM stl_load_errors WHERE session = pg_backend_pid()),
    -1
);

-- What a COPY did: the rows it loaded (this session's last COPY), the files it read and the
-- records it rejected (Redshift logs each in stl_load_errors).
SELECT
    pg_last_copy_count() AS rows_loaded,
    (SELECT COUNT(DISTINCT filename) FROM stl_load_commits WHERE query = 4242) AS files,
    (SELECT COUNT(*) FROM stl_load_errors WHERE query = 4242) AS rejected;

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
CREATE TABLE IF NOT EXISTS load_errors (
    load_id         VARCHAR(64)   NOT NULL,
    starttime       TIMESTAMP     NOT NULL,
    tbl_name        VARCHAR(128)  NOT NULL,
    filename        VARCHAR(1024) NOT NULL,
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

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'load_history'
ORDER BY ordinal_position;

-- A COPY's rejected records, from Redshift's stl_load_errors into load_errors, which has the
-- same shape on both targets (its CHAR columns are trimmed), so the same checks read it.
INSERT INTO load_errors (
    load_id, starttime, tbl_name, filename, line_number, colname, type,
    raw_line, raw_field_value, err_code, err_reason
)
SELECT
    '00000000000040008000000000000001', '2018-11-30T12:00:00'::timestamp, 'staging_events', TRIM(filename), line_number, TRIM(colname),
    TRIM(type), TRIM(raw_line), TRIM(raw_field_value), err_code, TRIM(err_reason)
FROM stl_load_errors
WHERE query = 4242;

INSERT INTO load_history (
    load_id, tbl_name, source, status, started_at, finished_at,
    files, records_read, rows_loaded, rejected, maxerror, first_day, last_day
) VALUES (
    '00000000000040008000000000000001', 'staging_events', 's3://udacity-dend/log_data/', 'failed', '2018-11-30T12:00:00'::timestamp, '2018-11-30T12:00:00'::timestamp,
    3, 3, 0, 3, 0,
    '2018-11-01'::date, '2018-11-30'::date
);

-- The first rejected records of one load, in file and line order: what a failure message shows.
SELECT filename, line_number, err_code, err_reason, raw_line, colname, type, raw_field_value
FROM load_errors
WHERE load_id = '00000000000040008000000000000001'
ORDER BY filename, line_number
LIMIT 20;

COMMIT;
