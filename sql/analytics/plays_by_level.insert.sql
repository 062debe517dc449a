-- Plays by the level of the user at the time of the play, with each level's share.
INSERT INTO plays_by_level (level, plays, share)
SELECT
    level,
    COUNT(*),
    CAST(COUNT(*) AS DOUBLE PRECISION) / SUM(COUNT(*)) OVER ()
FROM songplays
WHERE level IS NOT NULL
GROUP BY level
