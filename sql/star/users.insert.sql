-- One row per user id seen in any event; name, gender and level from the user's latest event
-- (by ts, then item in session), so a user who upgraded shows as paid. Text without its
-- trailing blanks, as Redshift compares it (see songplays.insert.sql). Only the users
-- users.affected.sql found: their events of the days being built, or of every day for a user
-- whose latest event was in those days.
INSERT INTO users (user_id, first_name, last_name, gender, level, last_event_at)
SELECT
    user_id, f_repair_text(first_name), f_repair_text(last_name), gender, level,
    TIMESTAMP 'epoch' + ts * INTERVAL '1 millisecond'
FROM (
    SELECT
        user_id,
        ts,
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
    FROM (
        SELECT e.user_id, e.ts, e.first_name, e.last_name, e.gender, e.level,
               e.item_in_session, e.session_id
        FROM staging_events AS e
        JOIN users_affected AS a ON a.user_id = e.user_id AND NOT a.from_every_day
        WHERE e.ts >= %(low_ms)s AND e.ts < %(high_ms)s
        UNION ALL
        SELECT e.user_id, e.ts, e.first_name, e.last_name, e.gender, e.level,
               e.item_in_session, e.session_id
        FROM staging_events AS e
        JOIN users_affected AS a ON a.user_id = e.user_id AND a.from_every_day
    ) AS events_of_affected
) AS events_by_recency
WHERE recency = 1
