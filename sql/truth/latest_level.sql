-- Each user's level, as the ground truth's latest_level lists it.
SELECT CAST(user_id AS VARCHAR(16)), level FROM users
