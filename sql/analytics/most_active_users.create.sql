CREATE TABLE IF NOT EXISTS most_active_users (
    rank       INTEGER      NOT NULL PRIMARY KEY, -- 1 for the user with the most plays. <- songplays.user_id
    user_id    INTEGER      NOT NULL,             -- The user. <- songplays.user_id
    first_name VARCHAR(256),                      -- Their first name. <- users.first_name
    last_name  VARCHAR(256),                      -- Their last name. <- users.last_name
    level      VARCHAR(16),                       -- Their level now (free or paid). <- users.level
    plays      BIGINT       NOT NULL              -- Songs they played. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
-- redshift: DISTSTYLE ALL
