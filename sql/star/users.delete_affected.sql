-- The rows users.affected.sql found, about to be computed again.
DELETE FROM users WHERE user_id IN (SELECT user_id FROM users_affected)
