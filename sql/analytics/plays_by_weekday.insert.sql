-- Plays by the day of the week (UTC) they started on, through the time dimension.
INSERT INTO plays_by_weekday (weekday, day_name, plays)
SELECT
    t.weekday,
    CASE t.weekday
        WHEN 0 THEN 'Sunday' WHEN 1 THEN 'Monday' WHEN 2 THEN 'Tuesday'
        WHEN 3 THEN 'Wednesday' WHEN 4 THEN 'Thursday' WHEN 5 THEN 'Friday'
        ELSE 'Saturday'
    END,
    COUNT(*)
FROM songplays AS p
JOIN time AS t ON t.start_time = p.start_time
GROUP BY t.weekday
