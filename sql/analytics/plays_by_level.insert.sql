-- Plays by the level of the user at the time of the play, with each level's share of all
-- plays (a play without a level has no row, but counts in the whole).
INSERT INTO plays_by_level (level, plays, share)
SELECT
    level,
    COUNT(*),
    CAST(COUNT(*) AS DOUBLE PRECISION) / (SELECT COUNT(*) FROM songplays)
FROM songplays
WHERE level IS NOT NULL
GROUP BY level
