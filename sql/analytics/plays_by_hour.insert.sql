-- Plays by the hour (UTC) they started in, through the time dimension.
INSERT INTO plays_by_hour (hour, plays)
SELECT t.hour, COUNT(*)
FROM songplays AS p
JOIN time AS t ON t.start_time = p.start_time
GROUP BY t.hour
