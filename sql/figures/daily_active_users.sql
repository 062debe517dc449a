-- The table's own rows for the days of the run: a day's active users and plays, drawn by the
-- Plots tab of the asset a point per day.
SELECT day, active_users, plays
FROM daily_active_users
WHERE day >= %(low)s AND day < %(high)s
