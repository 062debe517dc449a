-- A play's start and its time-table columns, derived from the event's ts exactly as the pipeline
-- derives them: start_time as sql/star/songplays.insert.sql computes it, then the columns as
-- sql/star/time.insert.sql extracts them.
SELECT
    ts,
    start_time,
    EXTRACT(HOUR FROM start_time),
    EXTRACT(DAY FROM start_time),
    EXTRACT(WEEK FROM start_time),
    EXTRACT(MONTH FROM start_time),
    EXTRACT(YEAR FROM start_time),
    EXTRACT(DOW FROM start_time)
FROM (
    SELECT ts, TIMESTAMP 'epoch' + ts * INTERVAL '1 millisecond' AS start_time
    FROM {table}
) AS play
ORDER BY ts
