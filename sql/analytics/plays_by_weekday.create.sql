CREATE TABLE IF NOT EXISTS plays_by_weekday (
    weekday  SMALLINT   NOT NULL PRIMARY KEY, -- Day of the week, UTC: 0 = Sunday … 6 = Saturday. <- time.weekday
    day_name VARCHAR(9) NOT NULL,             -- Its name, in English. <- time.weekday
    plays    BIGINT     NOT NULL              -- Plays on that day of the week, over every week. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
-- redshift: DISTSTYLE ALL
