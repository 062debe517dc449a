-- The 10 artists with the most plays, among plays matched to an artist; ties: the smaller
-- artist_id.
INSERT INTO top_artists (rank, artist_id, artist_name, plays)
WITH ranked AS (
    SELECT
        artist_id,
        COUNT(*) AS plays,
        ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, artist_id) AS rank
    FROM songplays
    WHERE artist_id IS NOT NULL
    GROUP BY artist_id
)
SELECT r.rank, r.artist_id, a.name, r.plays
FROM ranked AS r
LEFT JOIN artists AS a ON a.artist_id = r.artist_id
WHERE r.rank <= 10
