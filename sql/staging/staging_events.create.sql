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
