CREATE TABLE IF NOT EXISTS users (
    user_id       INTEGER NOT NULL PRIMARY KEY, -- The app's user id. <- staging_events.user_id
    first_name    VARCHAR(256),                 -- From the user's latest event. <- staging_events.first_name
    last_name     VARCHAR(256),                 -- From the user's latest event. <- staging_events.last_name
    gender        VARCHAR(16),                  -- F or M, from the user's latest event. <- staging_events.gender
    level         VARCHAR(16),                  -- free or paid, as of the user's latest event. <- staging_events.level, staging_events.ts
    last_event_at TIMESTAMP                     -- When the user's latest event happened, UTC: the event the row comes from. <- staging_events.ts
)
-- A dimension small enough to copy to every node, so joining songplays to it never moves rows.
-- redshift: DISTSTYLE ALL SORTKEY (user_id)
