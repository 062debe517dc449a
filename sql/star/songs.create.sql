CREATE TABLE IF NOT EXISTS songs (
    song_id   VARCHAR(32) NOT NULL PRIMARY KEY, -- The catalogue's song id. <- staging_songs.song_id
    title     VARCHAR(512),                     -- The song's title. <- staging_songs.title
    artist_id VARCHAR(32),                      -- Its artist. <- staging_songs.artist_id
    year      INTEGER,                          -- Year of release; NULL when unknown. <- staging_songs.year
    duration  DOUBLE PRECISION                  -- Length in seconds. <- staging_songs.duration
)
-- A dimension small enough to copy to every node, so joining songplays to it never moves rows.
-- redshift: DISTSTYLE ALL SORTKEY (song_id)
