-- One row per user id seen in any event; name, gender and level from the user's latest event
-- (by ts, then item in session), so a user who upgraded shows as paid. Text without its
-- trailing blanks, as Redshift compares it (see songplays.insert.sql).
INSERT INTO users (user_id, first_name, last_name, gender, level)
SELECT user_id, f_repair_text(first_name), f_repair_text(last_name), gender, level
FROM (
    SELECT
        user_id,
        RTRIM(first_name) AS first_name,
        RTRIM(last_name) AS last_name,
        RTRIM(gender) AS gender,
        RTRIM(level) AS level,
        ROW_NUMBER() OVER (
            PARTITION BY user_id
            ORDER BY ts DESC NULLS LAST, item_in_session DESC NULLS LAST,
                     session_id DESC NULLS LAST, RTRIM(level), RTRIM(first_name),
                     RTRIM(last_name), RTRIM(gender)
        ) AS recency
    FROM staging_events
    WHERE user_id IS NOT NULL
) AS events_by_recency
WHERE recency = 1
