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
