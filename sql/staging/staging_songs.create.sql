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
-- redshift: DISTSTYLE ALL
