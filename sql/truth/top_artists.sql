SELECT rank, artist_id, plays FROM top_artists
