-- Users active each day (UTC): those who played at least one song.
INSERT INTO daily_active_users (day, active_users, plays)
SELECT CAST(start_time AS DATE), COUNT(DISTINCT user_id), COUNT(*)
FROM songplays
GROUP BY CAST(start_time AS DATE)
