SELECT COUNT(*) AS songplays, COUNT(song_id) AS matched FROM songplays
