-- The users whose row a build of some days (ts from low_ms, before high_ms) changes; a build
-- of every day is one of the whole range. Three kinds of user, and no other: one whose latest
-- event was in those days (it may have changed or gone: the row is recomputed from every day),
-- one whose latest event in those days is later than the row's (those days hold the new
-- latest event), and one new to the table. A user whose row comes from a later day keeps it:
-- an older day never wins. So a day's build reads that day's events, not every day's, unless
-- it replaces the day users were last seen on.
-- A temporary table lasts as long as the session (on Redshift too: CREATE TABLE AS … TEMP,
-- https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_AS.html), and every build has
-- a connection of its own.
CREATE TEMP TABLE users_affected AS
SELECT user_id, TRUE AS from_every_day
FROM users
WHERE last_event_at >= %(low)s AND last_event_at < %(high)s
UNION ALL
SELECT seen.user_id, FALSE AS from_every_day
FROM (
    SELECT user_id
    FROM staging_events
    WHERE user_id IS NOT NULL AND ts >= %(low_ms)s AND ts < %(high_ms)s
    GROUP BY user_id
) AS seen
LEFT JOIN users AS u ON u.user_id = seen.user_id
WHERE u.user_id IS NULL OR u.last_event_at IS NULL OR u.last_event_at < %(low)s
