-- The 10 songs with the most plays, among plays matched to a song; ties: the smaller song_id.
INSERT INTO top_songs (rank, song_id, title, artist_name, plays)
WITH ranked AS (
    SELECT
        song_id,
        COUNT(*) AS plays,
        ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, song_id) AS rank
    FROM songplays
    WHERE song_id IS NOT NULL
    GROUP BY song_id
)
SELECT r.rank, r.song_id, s.title, a.name, r.plays
FROM ranked AS r
LEFT JOIN songs AS s ON s.song_id = r.song_id
LEFT JOIN artists AS a ON a.artist_id = s.artist_id
WHERE r.rank <= 10
