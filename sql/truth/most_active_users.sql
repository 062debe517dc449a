SELECT rank, user_id, plays FROM most_active_users
