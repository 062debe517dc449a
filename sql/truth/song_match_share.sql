SELECT CASE WHEN matched THEN 'True' ELSE 'False' END, plays, share FROM song_match_share
