-- With the total, so that the share can be checked too.
SELECT level, plays, CAST(SUM(plays) OVER () AS BIGINT), share FROM plays_by_level
