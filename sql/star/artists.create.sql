CREATE TABLE IF NOT EXISTS artists (
    artist_id VARCHAR(32) NOT NULL PRIMARY KEY,
    name      VARCHAR(512),
    location  VARCHAR(512),
    latitude  DOUBLE PRECISION,
    longitude DOUBLE PRECISION
)
