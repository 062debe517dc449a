-- The plays an analytics table counts, and songplays' rows: a table that splits every play into
-- parts (by hour, weekday, day) must count each play once.
SELECT
    (SELECT COALESCE(SUM({column}), 0) FROM {table}) AS counted,
    (SELECT COUNT(*) FROM songplays)                 AS songplays
