-- Plays matched and not matched to a song of the catalogue, with their shares: how much of
-- the listening the song dimension can describe.
INSERT INTO song_match_share (matched, plays, share)
SELECT
    song_id IS NOT NULL,
    COUNT(*),
    CAST(COUNT(*) AS DOUBLE PRECISION) / SUM(COUNT(*)) OVER ()
FROM songplays
GROUP BY song_id IS NOT NULL
