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
-- redshift: DISTSTYLE EVEN SORTKEY (ts)
