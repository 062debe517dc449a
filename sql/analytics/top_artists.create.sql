CREATE TABLE IF NOT EXISTS top_artists (
    rank        INTEGER      NOT NULL PRIMARY KEY, -- 1 for the artist played most. <- songplays.artist_id
    artist_id   VARCHAR(32)  NOT NULL,             -- The artist. <- songplays.artist_id
    artist_name VARCHAR(512),                      -- The artist's most common name. <- artists.name
    plays       BIGINT       NOT NULL              -- Plays of the artist's songs. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
-- redshift: DISTSTYLE ALL
