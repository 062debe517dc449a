SELECT CAST(day AS VARCHAR(10)), active_users, plays FROM daily_active_users
