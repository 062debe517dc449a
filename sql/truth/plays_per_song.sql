-- Plays matched to each song, as the ground truth's plays_per_song lists them.
SELECT song_id, COUNT(*) FROM songplays WHERE song_id IS NOT NULL GROUP BY song_id
