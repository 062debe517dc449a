CREATE TABLE IF NOT EXISTS daily_active_users (
    day          DATE   NOT NULL PRIMARY KEY, -- A day (UTC) with at least one play. <- songplays.start_time
    active_users BIGINT NOT NULL,             -- Distinct users who played a song that day. <- songplays.user_id
    plays        BIGINT NOT NULL              -- Plays that day. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
-- redshift: DISTSTYLE ALL
