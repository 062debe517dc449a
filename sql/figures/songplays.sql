-- Each day's plays of the days a run built: how many, by how many users, and the share of them
-- matched to a song of the catalogue. Redshift: FLOAT8 is DOUBLE PRECISION
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_Numeric_types201.html); COUNT(DISTINCT)
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_COUNT.html).
SELECT CAST(start_time AS DATE) AS day,
       COUNT(*) AS plays,
       COUNT(DISTINCT user_id) AS active_users,
       CAST(COUNT(song_id) AS FLOAT8) / COUNT(*) AS matched_share
FROM songplays
WHERE start_time >= %(low)s AND start_time < %(high)s
GROUP BY CAST(start_time AS DATE)
