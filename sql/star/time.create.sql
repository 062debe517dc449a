CREATE TABLE IF NOT EXISTS time (
    start_time TIMESTAMP NOT NULL PRIMARY KEY, -- A moment some play started, UTC. <- songplays.start_time
    hour       SMALLINT,                       -- Hour of the day, 0-23. <- songplays.start_time
    day        SMALLINT,                       -- Day of the month, 1-31. <- songplays.start_time
    week       SMALLINT,                       -- ISO week of the year, 1-53. <- songplays.start_time
    month      SMALLINT,                       -- Month, 1-12. <- songplays.start_time
    year       SMALLINT,                       -- Year. <- songplays.start_time
    weekday    SMALLINT                        -- Day of the week, 0 = Sunday … 6 = Saturday. <- songplays.start_time
)
-- As big as songplays and joined to it on start_time: the same distribution and sort key.
-- redshift: DISTSTYLE KEY DISTKEY (start_time) SORTKEY (start_time)
