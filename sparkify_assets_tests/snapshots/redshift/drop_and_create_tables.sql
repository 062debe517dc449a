-- connection 53: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

DROP TABLE IF EXISTS "song_match_share";

DROP TABLE IF EXISTS "daily_active_users";

DROP TABLE IF EXISTS "plays_by_weekday";

DROP TABLE IF EXISTS "plays_by_level";

DROP TABLE IF EXISTS "plays_by_hour";

DROP TABLE IF EXISTS "most_active_users";

DROP TABLE IF EXISTS "top_artists";

DROP TABLE IF EXISTS "top_songs";

DROP TABLE IF EXISTS "time";

DROP TABLE IF EXISTS "songplays";

DROP TABLE IF EXISTS "songs";

DROP TABLE IF EXISTS "artists";

DROP TABLE IF EXISTS "users";

DROP TABLE IF EXISTS "staging_songs";

DROP TABLE IF EXISTS "staging_events";

DROP TABLE IF EXISTS "day_rows";

DROP TABLE IF EXISTS "load_unmapped_keys";

DROP TABLE IF EXISTS "load_errors";

DROP TABLE IF EXISTS "load_history";

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

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

-- Raw song metadata, one row per song object. Column names equal the JSON keys, as
-- Redshift's COPY … JSON 'auto' maps them; values stay raw (cleaning is in star/).
CREATE TABLE IF NOT EXISTS staging_songs (
    num_songs        INTEGER,          -- Songs in the source file (always 1).
    artist_id        VARCHAR(32),      -- The catalogue's artist id.
    artist_latitude  DOUBLE PRECISION, -- Artist's latitude; often NULL.
    artist_longitude DOUBLE PRECISION, -- Artist's longitude; often NULL.
    artist_location  VARCHAR(512),     -- Where the artist is from, free text; often empty.
    artist_name      VARCHAR(512),     -- Artist's name as this song file spells it.
    song_id          VARCHAR(32),      -- The catalogue's song id.
    title            VARCHAR(512),     -- The song's title.
    duration         DOUBLE PRECISION, -- Length in seconds.
    year             INTEGER           -- Year of release; 0 when unknown.
)
-- The song catalogue (thousands to a few million rows), probed by every slice when plays are
-- matched to songs: a copy on every node saves redistributing the events for that join.
DISTSTYLE ALL;

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS users (
    user_id       INTEGER NOT NULL PRIMARY KEY, -- The app's user id. <- staging_events.user_id
    first_name    VARCHAR(256),                 -- From the user's latest event. <- staging_events.first_name
    last_name     VARCHAR(256),                 -- From the user's latest event. <- staging_events.last_name
    gender        VARCHAR(16),                  -- F or M, from the user's latest event. <- staging_events.gender
    level         VARCHAR(16),                  -- free or paid, as of the user's latest event. <- staging_events.level, staging_events.ts
    last_event_at TIMESTAMP                     -- When the user's latest event happened, UTC: the event the row comes from. <- staging_events.ts
)
-- A dimension small enough to copy to every node, so joining songplays to it never moves rows.
DISTSTYLE ALL SORTKEY (user_id);

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

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS songplays (
    songplay_id CHAR(32)     NOT NULL PRIMARY KEY, -- One play: MD5 of user, session and item in session, so a reload gives the same id. <- staging_events.user_id, staging_events.session_id, staging_events.item_in_session
    start_time  TIMESTAMP    NOT NULL,             -- When the play started, UTC. <- staging_events.ts
    user_id     INTEGER      NOT NULL,             -- Who played it. <- staging_events.user_id
    level       VARCHAR(16),                       -- free or paid, as the user was at that moment. <- staging_events.level
    song_id     VARCHAR(32),                       -- The catalogue's song with the same title, artist and length; NULL when none. <- staging_events.song, staging_events.artist, staging_events.length, staging_songs.title, staging_songs.artist_name, staging_songs.duration, staging_songs.song_id
    artist_id   VARCHAR(32),                       -- That song's artist; NULL when the song is unknown. <- staging_songs.artist_id
    session_id  INTEGER      NOT NULL,             -- The app session the play belongs to. <- staging_events.session_id
    location    VARCHAR(512),                      -- Where the user was ("City, ST"), text repaired to UTF-8. <- staging_events.location
    user_agent  VARCHAR(1024)                      -- The user's browser, without the logs' surrounding quotes. <- staging_events.user_agent
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

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS top_songs (
    rank        INTEGER      NOT NULL PRIMARY KEY, -- 1 for the song played most. <- songplays.song_id
    song_id     VARCHAR(32)  NOT NULL,             -- The song. <- songplays.song_id
    title       VARCHAR(512),                      -- Its title, as the catalogue spells it. <- songs.title
    artist_name VARCHAR(512),                      -- Its artist's name. <- artists.name
    plays       BIGINT       NOT NULL              -- Plays matched to the song. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
DISTSTYLE ALL;

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS top_artists (
    rank        INTEGER      NOT NULL PRIMARY KEY, -- 1 for the artist played most. <- songplays.artist_id
    artist_id   VARCHAR(32)  NOT NULL,             -- The artist. <- songplays.artist_id
    artist_name VARCHAR(512),                      -- The artist's most common name. <- artists.name
    plays       BIGINT       NOT NULL              -- Plays of the artist's songs. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
DISTSTYLE ALL;

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS most_active_users (
    rank       INTEGER      NOT NULL PRIMARY KEY, -- 1 for the user with the most plays. <- songplays.user_id
    user_id    INTEGER      NOT NULL,             -- The user. <- songplays.user_id
    first_name VARCHAR(256),                      -- Their first name. <- users.first_name
    last_name  VARCHAR(256),                      -- Their last name. <- users.last_name
    level      VARCHAR(16),                       -- Their level now (free or paid). <- users.level
    plays      BIGINT       NOT NULL              -- Songs they played. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
DISTSTYLE ALL;

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS plays_by_hour (
    hour  SMALLINT NOT NULL PRIMARY KEY, -- Hour of the day, UTC, 0-23; hours without plays are left out. <- time.hour
    plays BIGINT   NOT NULL              -- Plays that started in that hour, over every day. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
DISTSTYLE ALL;

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

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS plays_by_weekday (
    weekday  SMALLINT   NOT NULL PRIMARY KEY, -- Day of the week, UTC: 0 = Sunday … 6 = Saturday. <- time.weekday
    day_name VARCHAR(9) NOT NULL,             -- Its name, in English. <- time.weekday
    plays    BIGINT     NOT NULL              -- Plays on that day of the week, over every week. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
DISTSTYLE ALL;

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

COMMIT;
