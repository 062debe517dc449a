-- With the total, so that the share can be checked too.
SELECT CASE WHEN matched THEN 'True' ELSE 'False' END, plays, CAST(SUM(plays) OVER () AS BIGINT), share
FROM song_match_share
