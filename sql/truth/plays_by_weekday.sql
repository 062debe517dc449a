SELECT weekday, plays FROM plays_by_weekday
