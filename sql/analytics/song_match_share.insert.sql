-- Plays matched and not matched to a song of the catalogue, with their shares of all plays:
-- how much of the listening the song dimension can describe. (Grouped on a CASE, not on the
-- boolean test itself, which Redshift allows only in WHERE.)
INSERT INTO song_match_share (matched, plays, share)
SELECT
    matched,
    COUNT(*),
    CAST(COUNT(*) AS DOUBLE PRECISION) / (SELECT COUNT(*) FROM songplays)
FROM (
    SELECT CASE WHEN song_id IS NULL THEN FALSE ELSE TRUE END AS matched FROM songplays
) AS plays
GROUP BY matched
