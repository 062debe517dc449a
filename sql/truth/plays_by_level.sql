SELECT level, plays, share FROM plays_by_level
