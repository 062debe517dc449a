SELECT hour, plays FROM plays_by_hour
