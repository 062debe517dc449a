-- Each rank's song and plays, as the ground truth's plays_per_song ranks them.
SELECT rank, song_id, plays FROM top_songs
