-- connection 22: a transaction begins

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

DROP TABLE IF EXISTS "time";

DROP TABLE IF EXISTS "artists";

DROP TABLE IF EXISTS "songs";

DROP TABLE IF EXISTS "users";

DROP TABLE IF EXISTS "songplays";

DROP TABLE IF EXISTS "staging_songs";

DROP TABLE IF EXISTS "staging_events";

DROP TABLE IF EXISTS "load_errors";

DROP TABLE IF EXISTS "load_history";

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
    artist          VARCHAR(512),
    auth            VARCHAR(32),
    first_name      VARCHAR(256),
    gender          VARCHAR(16),
    item_in_session INTEGER,
    last_name       VARCHAR(256),
    length          DOUBLE PRECISION,
    level           VARCHAR(16),
    location        VARCHAR(512),
    method          VARCHAR(16),
    page            VARCHAR(64),
    registration    DOUBLE PRECISION,
    session_id      INTEGER,
    song            VARCHAR(512),
    status          SMALLINT,
    ts              BIGINT,
    user_agent      VARCHAR(1024),
    user_id         INTEGER
)
-- The largest table, read once in full by each star build and joined on expressions of its
-- columns (repaired text), so no key would co-locate a join: spread evenly for a fast COPY.
-- Sorted by ts, so that a day's DELETE and reads skip the blocks of other days.
DISTSTYLE EVEN SORTKEY (ts);

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

-- Raw song metadata, one row per song object. Column names equal the JSON keys, as
-- Redshift's COPY … JSON 'auto' maps them; values stay raw (cleaning is in star/).
CREATE TABLE IF NOT EXISTS staging_songs (
    num_songs        INTEGER,
    artist_id        VARCHAR(32),
    artist_latitude  DOUBLE PRECISION,
    artist_longitude DOUBLE PRECISION,
    artist_location  VARCHAR(512),
    artist_name      VARCHAR(512),
    song_id          VARCHAR(32),
    title            VARCHAR(512),
    duration         DOUBLE PRECISION,
    year             INTEGER
)
-- The song catalogue (thousands to a few million rows), probed by every slice when plays are
-- matched to songs: a copy on every node saves redistributing the events for that join.
DISTSTYLE ALL;

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS songplays (
    songplay_id CHAR(32)     NOT NULL PRIMARY KEY,
    start_time  TIMESTAMP    NOT NULL,
    user_id     INTEGER      NOT NULL,
    level       VARCHAR(16),
    song_id     VARCHAR(32),
    artist_id   VARCHAR(32),
    session_id  INTEGER      NOT NULL,
    location    VARCHAR(512),
    user_agent  VARCHAR(1024)
)
-- Its largest join is with time (one row per distinct start_time, as many rows as plays), and
-- analysts filter on time ranges: distributing and sorting both tables on start_time makes that
-- join local and a merge join, and lets range filters skip blocks. song_id would skew badly
-- (it is NULL for most plays); users, songs and artists are copied to every node instead.
DISTSTYLE KEY DISTKEY (start_time) SORTKEY (start_time);

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS users (
    user_id    INTEGER NOT NULL PRIMARY KEY,
    first_name VARCHAR(256),
    last_name  VARCHAR(256),
    gender     VARCHAR(16),
    level      VARCHAR(16)
)
-- A dimension small enough to copy to every node, so joining songplays to it never moves rows.
DISTSTYLE ALL SORTKEY (user_id);

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS songs (
    song_id   VARCHAR(32) NOT NULL PRIMARY KEY,
    title     VARCHAR(512),
    artist_id VARCHAR(32),
    year      INTEGER,
    duration  DOUBLE PRECISION
)
-- A dimension small enough to copy to every node, so joining songplays to it never moves rows.
DISTSTYLE ALL SORTKEY (song_id);

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS artists (
    artist_id VARCHAR(32) NOT NULL PRIMARY KEY,
    name      VARCHAR(512),
    location  VARCHAR(512),
    latitude  DOUBLE PRECISION,
    longitude DOUBLE PRECISION
)
-- A dimension small enough to copy to every node, so joining songplays to it never moves rows.
DISTSTYLE ALL SORTKEY (artist_id);

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS time (
    start_time TIMESTAMP NOT NULL PRIMARY KEY,
    hour       SMALLINT,
    day        SMALLINT,
    week       SMALLINT,
    month      SMALLINT,
    year       SMALLINT,
    weekday    SMALLINT
)
-- As big as songplays and joined to it on start_time: the same distribution and sort key.
DISTSTYLE KEY DISTKEY (start_time) SORTKEY (start_time);

COMMIT;
