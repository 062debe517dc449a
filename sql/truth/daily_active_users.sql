SELECT TO_CHAR(day, 'YYYY-MM-DD'), active_users, plays FROM daily_active_users
