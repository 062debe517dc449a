-- step: drop_and_create_tables

-- connection 1: a transaction begins

SET search_path TO "public";

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
    first_day    DATE,
    last_day     DATE
)
DISTSTYLE AUTO;

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
DISTSTYLE AUTO;

CREATE TABLE IF NOT EXISTS load_unmapped_keys (
    load_id      VARCHAR(64)   NOT NULL,
    tbl_name     VARCHAR(128)  NOT NULL,
    json_key     VARCHAR(512)  NOT NULL,
    records      BIGINT        NOT NULL,
    example_file VARCHAR(4096) NOT NULL,
    example_line BIGINT        NOT NULL
)
DISTSTYLE AUTO;

CREATE TABLE IF NOT EXISTS day_rows (
    tbl_name  VARCHAR(128) NOT NULL,
    day       DATE         NOT NULL,
    row_count BIGINT       NOT NULL
)
DISTSTYLE AUTO;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'load_history'
ORDER BY ordinal_position;

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
DISTSTYLE EVEN SORTKEY (ts);

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
DISTSTYLE ALL;

CREATE TABLE IF NOT EXISTS users (
    user_id       INTEGER NOT NULL PRIMARY KEY,
    first_name    VARCHAR(256),
    last_name     VARCHAR(256),
    gender        VARCHAR(16),
    level         VARCHAR(16),
    last_event_at TIMESTAMP
)
DISTSTYLE ALL SORTKEY (user_id);

CREATE TABLE IF NOT EXISTS artists (
    artist_id VARCHAR(32) NOT NULL PRIMARY KEY,
    name      VARCHAR(512),
    location  VARCHAR(512),
    latitude  DOUBLE PRECISION,
    longitude DOUBLE PRECISION
)
DISTSTYLE ALL SORTKEY (artist_id);

CREATE TABLE IF NOT EXISTS songs (
    song_id   VARCHAR(32) NOT NULL PRIMARY KEY,
    title     VARCHAR(512),
    artist_id VARCHAR(32),
    year      INTEGER,
    duration  DOUBLE PRECISION
)
DISTSTYLE ALL SORTKEY (song_id);

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
DISTSTYLE KEY DISTKEY (start_time) SORTKEY (start_time);

CREATE TABLE IF NOT EXISTS time (
    start_time TIMESTAMP NOT NULL PRIMARY KEY,
    hour       SMALLINT,
    day        SMALLINT,
    week       SMALLINT,
    month      SMALLINT,
    year       SMALLINT,
    weekday    SMALLINT
)
DISTSTYLE KEY DISTKEY (start_time) SORTKEY (start_time);

CREATE TABLE IF NOT EXISTS top_songs (
    rank        INTEGER      NOT NULL PRIMARY KEY,
    song_id     VARCHAR(32)  NOT NULL,
    title       VARCHAR(512),
    artist_name VARCHAR(512),
    plays       BIGINT       NOT NULL
)
DISTSTYLE ALL;

CREATE TABLE IF NOT EXISTS top_artists (
    rank        INTEGER      NOT NULL PRIMARY KEY,
    artist_id   VARCHAR(32)  NOT NULL,
    artist_name VARCHAR(512),
    plays       BIGINT       NOT NULL
)
DISTSTYLE ALL;

CREATE TABLE IF NOT EXISTS most_active_users (
    rank       INTEGER      NOT NULL PRIMARY KEY,
    user_id    INTEGER      NOT NULL,
    first_name VARCHAR(256),
    last_name  VARCHAR(256),
    level      VARCHAR(16),
    plays      BIGINT       NOT NULL
)
DISTSTYLE ALL;

CREATE TABLE IF NOT EXISTS plays_by_hour (
    hour  SMALLINT NOT NULL PRIMARY KEY,
    plays BIGINT   NOT NULL
)
DISTSTYLE ALL;

CREATE TABLE IF NOT EXISTS plays_by_level (
    level VARCHAR(16)      NOT NULL PRIMARY KEY,
    plays BIGINT           NOT NULL,
    share DOUBLE PRECISION NOT NULL
)
DISTSTYLE ALL;

CREATE TABLE IF NOT EXISTS plays_by_weekday (
    weekday  SMALLINT   NOT NULL PRIMARY KEY,
    day_name VARCHAR(9) NOT NULL,
    plays    BIGINT     NOT NULL
)
DISTSTYLE ALL;

CREATE TABLE IF NOT EXISTS daily_active_users (
    day          DATE   NOT NULL PRIMARY KEY,
    active_users BIGINT NOT NULL,
    plays        BIGINT NOT NULL
)
DISTSTYLE ALL;

CREATE TABLE IF NOT EXISTS song_match_share (
    matched BOOLEAN          NOT NULL PRIMARY KEY,
    plays   BIGINT           NOT NULL,
    share   DOUBLE PRECISION NOT NULL
)
DISTSTYLE ALL;

COMMIT;
