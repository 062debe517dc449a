-- The 10 users with the most plays; ties: the smaller user_id.
INSERT INTO most_active_users (rank, user_id, first_name, last_name, level, plays)
WITH ranked AS (
    SELECT
        user_id,
        COUNT(*) AS plays,
        ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, user_id) AS rank
    FROM songplays
    GROUP BY user_id
)
SELECT r.rank, r.user_id, u.first_name, u.last_name, u.level, r.plays
FROM ranked AS r
LEFT JOIN users AS u ON u.user_id = r.user_id
WHERE r.rank <= 10
