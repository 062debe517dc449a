-- connection 24: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'songplays';

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'users';

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS most_active_users (
    rank       INTEGER      NOT NULL PRIMARY KEY, -- 1 for the user with the most plays. <- songplays.user_id
    user_id    INTEGER      NOT NULL,             -- The user. <- songplays.user_id
    first_name VARCHAR(256),                      -- Their first name. <- users.first_name
    last_name  VARCHAR(256),                      -- Their last name. <- users.last_name
    level      VARCHAR(16),                       -- Their level now (free or paid). <- users.level
    plays      BIGINT       NOT NULL              -- Songs they played. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
DISTSTYLE ALL;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'most_active_users'
ORDER BY ordinal_position;

-- Redshift's LOCK has no modes: it takes an exclusive lock until commit, so overlapping runs
-- wait instead of failing with a serializable isolation error; readers wait too.
LOCK "most_active_users";

-- DELETE, not TRUNCATE: "TRUNCATE commits the transaction in which it is run"
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_TRUNCATE.html), so a rebuild would not be
-- atomic. Redshift "can automatically sort and perform a VACUUM DELETE operation on tables in
-- the background" (https://docs.aws.amazon.com/redshift/latest/dg/t_Reclaiming_storage_space202.html).
DELETE FROM "most_active_users";

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
WHERE r.rank <= 10;

SELECT COUNT(*) FROM "most_active_users";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'most_active_users'
ORDER BY ordinal_position;

-- Fresh planner statistics once a table's rows are replaced, so that the INSERTs and checks
-- that read it next choose their joins from its real size. (Not COPY's STATUPDATE: a daily load COPYs into
-- an incoming table, whose statistics nobody reads.)
ANALYZE "most_active_users";

COMMIT;

-- connection 25: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

-- The last rows of a table in key order: all of a ranking, the latest days of a daily table.
SELECT * FROM (SELECT * FROM "most_active_users" ORDER BY "rank" DESC LIMIT 40) AS latest ORDER BY "rank";

COMMIT;
