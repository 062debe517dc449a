CREATE TABLE IF NOT EXISTS song_match_share (
    matched BOOLEAN          NOT NULL PRIMARY KEY, -- Whether the plays were matched to a song of the catalogue. <- songplays.song_id
    plays   BIGINT           NOT NULL,             -- How many plays. <- songplays.songplay_id
    share   DOUBLE PRECISION NOT NULL              -- Those plays / all plays, 0-1. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
-- redshift: DISTSTYLE ALL
