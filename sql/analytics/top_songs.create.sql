CREATE TABLE IF NOT EXISTS top_songs (
    rank        INTEGER      NOT NULL PRIMARY KEY, -- 1 for the song played most. <- songplays.song_id
    song_id     VARCHAR(32)  NOT NULL,             -- The song. <- songplays.song_id
    title       VARCHAR(512),                      -- Its title, as the catalogue spells it. <- songs.title
    artist_name VARCHAR(512),                      -- Its artist's name. <- artists.name
    plays       BIGINT       NOT NULL              -- Plays matched to the song. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
-- redshift: DISTSTYLE ALL
