-- One row per distinct play start of the days being built; week is the ISO week, weekday
-- 0 = Sunday. Inserted in start_time order: on PostgreSQL each key then goes to the end of the
-- key's index instead of a random page of it; on Redshift it is the table's sort key, and
-- "load your data in sort key order" (https://docs.aws.amazon.com/redshift/latest/dg/c_best-practices-sort-key-order.html).
INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT
    start_time,
    EXTRACT(HOUR FROM start_time),
    EXTRACT(DAY FROM start_time),
    EXTRACT(WEEK FROM start_time),
    EXTRACT(MONTH FROM start_time),
    EXTRACT(YEAR FROM start_time),
    EXTRACT(DOW FROM start_time)
FROM (
    SELECT DISTINCT start_time
    FROM songplays
    WHERE start_time >= %(low)s AND start_time < %(high)s
) AS play_starts
ORDER BY start_time
