CREATE TABLE IF NOT EXISTS plays_by_hour (
    hour  SMALLINT NOT NULL PRIMARY KEY, -- Hour of the day, UTC, 0-23; hours without plays are left out. <- time.hour
    plays BIGINT   NOT NULL              -- Plays that started in that hour, over every day. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
-- redshift: DISTSTYLE ALL
