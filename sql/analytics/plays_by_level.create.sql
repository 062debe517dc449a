CREATE TABLE IF NOT EXISTS plays_by_level (
    level VARCHAR(16)      NOT NULL PRIMARY KEY, -- free or paid, as the user was when playing. <- songplays.level
    plays BIGINT           NOT NULL,             -- Plays at that level. <- songplays.songplay_id
    share DOUBLE PRECISION NOT NULL              -- Those plays / all plays, 0-1. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
-- redshift: DISTSTYLE ALL
