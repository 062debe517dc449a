-- step: artists

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'staging_songs';

CREATE TABLE IF NOT EXISTS artists (
    artist_id VARCHAR(32) NOT NULL PRIMARY KEY,
    name      VARCHAR(512),
    location  VARCHAR(512),
    latitude  DOUBLE PRECISION,
    longitude DOUBLE PRECISION
)
DISTSTYLE ALL SORTKEY (artist_id);

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'artists'
ORDER BY ordinal_position;

LOCK "artists";

DELETE FROM "artists";

INSERT INTO artists (artist_id, name, location, latitude, longitude)
WITH catalogue AS (
    SELECT
        RTRIM(artist_id) AS artist_id,
        RTRIM(artist_name) AS artist_name,
        RTRIM(artist_location) AS artist_location,
        artist_latitude,
        artist_longitude
    FROM staging_songs
),
names AS (
    SELECT
        artist_id,
        artist_name,
        ROW_NUMBER() OVER (
            PARTITION BY artist_id
            ORDER BY COUNT(*) DESC, LENGTH(artist_name), artist_name
        ) AS preference
    FROM catalogue
    WHERE artist_id IS NOT NULL AND artist_name IS NOT NULL
    GROUP BY artist_id, artist_name
),
locations AS (
    SELECT
        artist_id,
        artist_location,
        ROW_NUMBER() OVER (
            PARTITION BY artist_id
            ORDER BY COUNT(*) DESC, LENGTH(artist_location), artist_location
        ) AS preference
    FROM catalogue
    WHERE artist_id IS NOT NULL AND TRIM(artist_location) <> ''
    GROUP BY artist_id, artist_location
),
coordinates AS (
    SELECT
        artist_id,
        artist_latitude,
        artist_longitude,
        ROW_NUMBER() OVER (
            PARTITION BY artist_id
            ORDER BY COUNT(*) DESC, artist_latitude, artist_longitude
        ) AS preference
    FROM catalogue
    WHERE artist_id IS NOT NULL
      AND artist_latitude IS NOT NULL
      AND artist_longitude IS NOT NULL
    GROUP BY artist_id, artist_latitude, artist_longitude
)
SELECT a.artist_id, n.artist_name, l.artist_location, c.artist_latitude, c.artist_longitude
FROM (SELECT DISTINCT artist_id FROM catalogue WHERE artist_id IS NOT NULL) AS a
LEFT JOIN names AS n ON n.artist_id = a.artist_id AND n.preference = 1
LEFT JOIN locations AS l ON l.artist_id = a.artist_id AND l.preference = 1
LEFT JOIN coordinates AS c ON c.artist_id = a.artist_id AND c.preference = 1;

SELECT COUNT(*) FROM "artists";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'artists'
ORDER BY ordinal_position;

ANALYZE "artists";

COMMIT;

-- step: artists_primary_key

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    COUNT(*)                                                           AS row_count,
    COUNT(*) - COUNT("artist_id")                                            AS null_keys,
    COUNT("artist_id") - COUNT(DISTINCT RTRIM(CAST("artist_id" AS VARCHAR(64))))   AS duplicate_keys
FROM "artists";

COMMIT;

-- step: daily_active_users

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'songplays';

CREATE TABLE IF NOT EXISTS daily_active_users (
    day          DATE   NOT NULL PRIMARY KEY,
    active_users BIGINT NOT NULL,
    plays        BIGINT NOT NULL
)
DISTSTYLE ALL;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'daily_active_users'
ORDER BY ordinal_position;

LOCK "daily_active_users";

DELETE FROM "daily_active_users";

INSERT INTO daily_active_users (day, active_users, plays)
SELECT CAST(start_time AS DATE), COUNT(DISTINCT user_id), COUNT(*)
FROM songplays
GROUP BY CAST(start_time AS DATE);

SELECT COUNT(*) FROM "daily_active_users";

SELECT day, active_users, plays
FROM daily_active_users
WHERE day >= '1900-01-01T00:00:00'::timestamp AND day < '9999-12-31T00:00:00'::timestamp;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'daily_active_users'
ORDER BY ordinal_position;

ANALYZE "daily_active_users";

COMMIT;

-- connection 2: a transaction begins

SET search_path TO "public";

SELECT * FROM (SELECT * FROM "daily_active_users" ORDER BY "day" DESC LIMIT 40) AS latest ORDER BY "day";

COMMIT;

-- step: daily_active_users_counts_every_play

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    (SELECT COALESCE(SUM("plays"), 0) FROM "daily_active_users") AS counted,
    (SELECT COUNT(*) FROM songplays)                 AS songplays;

COMMIT;

-- step: daily_active_users_primary_key

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    COUNT(*)                                                           AS row_count,
    COUNT(*) - COUNT("day")                                            AS null_keys,
    COUNT("day") - COUNT(DISTINCT RTRIM(CAST("day" AS VARCHAR(64))))   AS duplicate_keys
FROM "daily_active_users";

COMMIT;

-- step: most_active_users

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'songplays';

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'users';

CREATE TABLE IF NOT EXISTS most_active_users (
    rank       INTEGER      NOT NULL PRIMARY KEY,
    user_id    INTEGER      NOT NULL,
    first_name VARCHAR(256),
    last_name  VARCHAR(256),
    level      VARCHAR(16),
    plays      BIGINT       NOT NULL
)
DISTSTYLE ALL;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'most_active_users'
ORDER BY ordinal_position;

LOCK "most_active_users";

DELETE FROM "most_active_users";

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

ANALYZE "most_active_users";

COMMIT;

-- connection 2: a transaction begins

SET search_path TO "public";

SELECT * FROM (SELECT * FROM "most_active_users" ORDER BY "rank" DESC LIMIT 40) AS latest ORDER BY "rank";

COMMIT;

-- step: most_active_users_primary_key

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    COUNT(*)                                                           AS row_count,
    COUNT(*) - COUNT("rank")                                            AS null_keys,
    COUNT("rank") - COUNT(DISTINCT RTRIM(CAST("rank" AS VARCHAR(64))))   AS duplicate_keys
FROM "most_active_users";

COMMIT;

-- step: plays_by_hour

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'songplays';

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'time';

CREATE TABLE IF NOT EXISTS plays_by_hour (
    hour  SMALLINT NOT NULL PRIMARY KEY,
    plays BIGINT   NOT NULL
)
DISTSTYLE ALL;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'plays_by_hour'
ORDER BY ordinal_position;

LOCK "plays_by_hour";

DELETE FROM "plays_by_hour";

INSERT INTO plays_by_hour (hour, plays)
SELECT t.hour, COUNT(*)
FROM songplays AS p
JOIN time AS t ON t.start_time = p.start_time
GROUP BY t.hour;

SELECT COUNT(*) FROM "plays_by_hour";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'plays_by_hour'
ORDER BY ordinal_position;

ANALYZE "plays_by_hour";

COMMIT;

-- connection 2: a transaction begins

SET search_path TO "public";

SELECT * FROM (SELECT * FROM "plays_by_hour" ORDER BY "hour" DESC LIMIT 40) AS latest ORDER BY "hour";

COMMIT;

-- step: plays_by_hour_counts_every_play

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    (SELECT COALESCE(SUM("plays"), 0) FROM "plays_by_hour") AS counted,
    (SELECT COUNT(*) FROM songplays)                 AS songplays;

COMMIT;

-- step: plays_by_hour_primary_key

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    COUNT(*)                                                           AS row_count,
    COUNT(*) - COUNT("hour")                                            AS null_keys,
    COUNT("hour") - COUNT(DISTINCT RTRIM(CAST("hour" AS VARCHAR(64))))   AS duplicate_keys
FROM "plays_by_hour";

COMMIT;

-- step: plays_by_level

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'songplays';

CREATE TABLE IF NOT EXISTS plays_by_level (
    level VARCHAR(16)      NOT NULL PRIMARY KEY,
    plays BIGINT           NOT NULL,
    share DOUBLE PRECISION NOT NULL
)
DISTSTYLE ALL;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'plays_by_level'
ORDER BY ordinal_position;

LOCK "plays_by_level";

DELETE FROM "plays_by_level";

INSERT INTO plays_by_level (level, plays, share)
SELECT
    level,
    COUNT(*),
    CAST(COUNT(*) AS DOUBLE PRECISION) / (SELECT COUNT(*) FROM songplays)
FROM songplays
WHERE level IS NOT NULL
GROUP BY level;

SELECT COUNT(*) FROM "plays_by_level";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'plays_by_level'
ORDER BY ordinal_position;

ANALYZE "plays_by_level";

COMMIT;

-- connection 2: a transaction begins

SET search_path TO "public";

SELECT * FROM (SELECT * FROM "plays_by_level" ORDER BY "level" DESC LIMIT 40) AS latest ORDER BY "level";

COMMIT;

-- step: plays_by_level_primary_key

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    COUNT(*)                                                           AS row_count,
    COUNT(*) - COUNT("level")                                            AS null_keys,
    COUNT("level") - COUNT(DISTINCT RTRIM(CAST("level" AS VARCHAR(64))))   AS duplicate_keys
FROM "plays_by_level";

COMMIT;

-- step: plays_by_weekday

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'songplays';

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'time';

CREATE TABLE IF NOT EXISTS plays_by_weekday (
    weekday  SMALLINT   NOT NULL PRIMARY KEY,
    day_name VARCHAR(9) NOT NULL,
    plays    BIGINT     NOT NULL
)
DISTSTYLE ALL;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'plays_by_weekday'
ORDER BY ordinal_position;

LOCK "plays_by_weekday";

DELETE FROM "plays_by_weekday";

INSERT INTO plays_by_weekday (weekday, day_name, plays)
SELECT
    t.weekday,
    CASE t.weekday
        WHEN 0 THEN 'Sunday' WHEN 1 THEN 'Monday' WHEN 2 THEN 'Tuesday'
        WHEN 3 THEN 'Wednesday' WHEN 4 THEN 'Thursday' WHEN 5 THEN 'Friday'
        ELSE 'Saturday'
    END,
    COUNT(*)
FROM songplays AS p
JOIN time AS t ON t.start_time = p.start_time
GROUP BY t.weekday;

SELECT COUNT(*) FROM "plays_by_weekday";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'plays_by_weekday'
ORDER BY ordinal_position;

ANALYZE "plays_by_weekday";

COMMIT;

-- connection 2: a transaction begins

SET search_path TO "public";

SELECT * FROM (SELECT * FROM "plays_by_weekday" ORDER BY "weekday" DESC LIMIT 40) AS latest ORDER BY "weekday";

COMMIT;

-- step: plays_by_weekday_counts_every_play

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    (SELECT COALESCE(SUM("plays"), 0) FROM "plays_by_weekday") AS counted,
    (SELECT COUNT(*) FROM songplays)                 AS songplays;

COMMIT;

-- step: plays_by_weekday_primary_key

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    COUNT(*)                                                           AS row_count,
    COUNT(*) - COUNT("weekday")                                            AS null_keys,
    COUNT("weekday") - COUNT(DISTINCT RTRIM(CAST("weekday" AS VARCHAR(64))))   AS duplicate_keys
FROM "plays_by_weekday";

COMMIT;

-- step: song_match_share

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'songplays';

CREATE TABLE IF NOT EXISTS song_match_share (
    matched BOOLEAN          NOT NULL PRIMARY KEY,
    plays   BIGINT           NOT NULL,
    share   DOUBLE PRECISION NOT NULL
)
DISTSTYLE ALL;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'song_match_share'
ORDER BY ordinal_position;

LOCK "song_match_share";

DELETE FROM "song_match_share";

INSERT INTO song_match_share (matched, plays, share)
SELECT
    matched,
    COUNT(*),
    CAST(COUNT(*) AS DOUBLE PRECISION) / (SELECT COUNT(*) FROM songplays)
FROM (
    SELECT CASE WHEN song_id IS NULL THEN FALSE ELSE TRUE END AS matched FROM songplays
) AS plays
GROUP BY matched;

SELECT COUNT(*) FROM "song_match_share";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'song_match_share'
ORDER BY ordinal_position;

ANALYZE "song_match_share";

COMMIT;

-- connection 2: a transaction begins

SET search_path TO "public";

SELECT * FROM (SELECT * FROM "song_match_share" ORDER BY "matched" DESC LIMIT 40) AS latest ORDER BY "matched";

COMMIT;

-- step: song_match_share_counts_every_play

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    (SELECT COALESCE(SUM("plays"), 0) FROM "song_match_share") AS counted,
    (SELECT COUNT(*) FROM songplays)                 AS songplays;

COMMIT;

-- step: song_match_share_primary_key

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    COUNT(*)                                                       AS row_count,
    COUNT(*) - COUNT("matched")                                        AS null_keys,
    COUNT("matched") - COUNT(DISTINCT CASE WHEN "matched" THEN 1 ELSE 0 END) AS duplicate_keys
FROM "song_match_share";

COMMIT;

-- step: songplays

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'staging_events';

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'staging_songs';

CREATE TABLE IF NOT EXISTS songplays (
    songplay_id CHAR(32)     NOT NULL PRIMARY KEY,
    start_time  TIMESTAMP    NOT NULL,
    user_id     INTEGER      NOT NULL,
    level       VARCHAR(16),
    song_id     VARCHAR(32),
    artist_id   VARCHAR(32),
    session_id  INTEGER      NOT NULL,
    location    VARCHAR(512),
    user_agent  VARCHAR(1024)
)
DISTSTYLE KEY DISTKEY (start_time) SORTKEY (start_time);

SELECT p.prosrc
FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace
WHERE p.proname = 'f_repair_text' AND n.nspname = 'public';

SELECT p.prosrc
FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace
WHERE p.proname = 'f_repair_text' AND n.nspname = 'public';

CREATE OR REPLACE FUNCTION f_repair_text(VARCHAR(65535)) RETURNS VARCHAR(65535)
IMMUTABLE AS $$
    SELECT CASE WHEN STRPOS($1, 'Â') = 0 AND STRPOS($1, 'Ã') = 0 AND STRPOS($1, 'Ä') = 0 AND STRPOS($1, 'Å') = 0 AND STRPOS($1, 'Í') = 0 AND STRPOS($1, 'Î') = 0 AND STRPOS($1, 'Ï') = 0 AND STRPOS($1, 'Ð') = 0 AND STRPOS($1, 'Ñ') = 0 AND STRPOS($1, 'Ò') = 0 AND STRPOS($1, 'Ó') = 0 AND STRPOS($1, 'â') = 0 THEN $1 ELSE
    REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE($1, 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â ', ' '), 'Â¡', '¡'), 'Â¢', '¢'), 'Â£', '£'), 'Â¤', '¤'), 'Â¥', '¥'), 'Â¦', '¦'), 'Â§', '§'), 'Â¨', '¨'), 'Â©', '©'), 'Âª', 'ª'), 'Â«', '«'), 'Â¬', '¬'), 'Â­', '­'), 'Â®', '®'), 'Â¯', '¯'), 'Â°', '°'), 'Â±', '±'), 'Â²', '²'), 'Â³', '³'), 'Â´', '´'), 'Âµ', 'µ'), 'Â¶', '¶'), 'Â·', '·'), 'Â¸', '¸'), 'Â¹', '¹'), 'Âº', 'º'), 'Â»', '»'), 'Â¼', '¼'), 'Â½', '½'), 'Â¾', '¾'), 'Â¿', '¿'), 'Ã', 'À'), 'Ã', 'Á'), 'Ã', 'Â'), 'Ã', 'Ã'), 'Ã', 'Ä'), 'Ã', 'Å'), 'Ã', 'Æ'), 'Ã', 'Ç'), 'Ã', 'È'), 'Ã', 'É'), 'Ã', 'Ê'), 'Ã', 'Ë'), 'Ã', 'Ì'), 'Ã', 'Í'), 'Ã', 'Î'), 'Ã', 'Ï'), 'Ã', 'Ð'), 'Ã', 'Ñ'), 'Ã', 'Ò'), 'Ã', 'Ó'), 'Ã', 'Ô'), 'Ã', 'Õ'), 'Ã', 'Ö'), 'Ã', '×'), 'Ã', 'Ø'), 'Ã', 'Ù'), 'Ã', 'Ú'), 'Ã', 'Û'), 'Ã', 'Ü'), 'Ã', 'Ý'), 'Ã', 'Þ'), 'Ã', 'ß'), 'Ã ', 'à'), 'Ã¡', 'á'), 'Ã¢', 'â'), 'Ã£', 'ã'), 'Ã¤', 'ä'), 'Ã¥', 'å'), 'Ã¦', 'æ'), 'Ã§', 'ç'), 'Ã¨', 'è'), 'Ã©', 'é'), 'Ãª', 'ê'), 'Ã«', 'ë'), 'Ã¬', 'ì'), 'Ã­', 'í'), 'Ã®', 'î'), 'Ã¯', 'ï'), 'Ã°', 'ð'), 'Ã±', 'ñ'), 'Ã²', 'ò'), 'Ã³', 'ó'), 'Ã´', 'ô'), 'Ãµ', 'õ'), 'Ã¶', 'ö'), 'Ã·', '÷'), 'Ã¸', 'ø'), 'Ã¹', 'ù'), 'Ãº', 'ú'), 'Ã»', 'û'), 'Ã¼', 'ü'), 'Ã½', 'ý'), 'Ã¾', 'þ'), 'Ã¿', 'ÿ'), 'â', '‐'), 'â', '‑'), 'â', '‒'), 'â', '–'), 'â', '—'), 'â', '―'), 'â', '‖'), 'â', '‗'), 'â', '‘'), 'â', '’'), 'â', '‚'), 'â', '‛'), 'â', '“'), 'â', '”'), 'â', '„'), 'â', '‟'), 'â ', '†'), 'â¡', '‡'), 'â¢', '•'), 'â£', '‣'), 'â¤', '․'), 'â¥', '‥'), 'â¦', '…'), 'â§', '‧'), 'â°', '‰'), 'â±', '‱'), 'â²', '′'), 'â³', '″'), 'â´', '‴'), 'âµ', '‵'), 'â¶', '‶'), 'â·', '‷'), 'â¸', '‸'), 'â¹', '‹'), 'âº', '›'), 'â»', '※'), 'â¼', '‼'), 'â½', '‽'), 'â¾', '‾'), 'â¬', '€'), 'â¢', '™'), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â ', ' '), 'Â¡', '¡'), 'Â¢', '¢'), 'Â£', '£'), 'Â¤', '¤'), 'Â¥', '¥'), 'Â¦', '¦'), 'Â§', '§'), 'Â¨', '¨'), 'Â©', '©'), 'Âª', 'ª'), 'Â«', '«'), 'Â¬', '¬'), 'Â­', '­'), 'Â®', '®'), 'Â¯', '¯'), 'Â°', '°'), 'Â±', '±'), 'Â²', '²'), 'Â³', '³'), 'Â´', '´'), 'Âµ', 'µ'), 'Â¶', '¶'), 'Â·', '·'), 'Â¸', '¸'), 'Â¹', '¹'), 'Âº', 'º'), 'Â»', '»'), 'Â¼', '¼'), 'Â½', '½'), 'Â¾', '¾'), 'Â¿', '¿'), 'Ã', 'À'), 'Ã', 'Á'), 'Ã', 'Â'), 'Ã', 'Ã'), 'Ã', 'Ä'), 'Ã', 'Å'), 'Ã', 'Æ'), 'Ã', 'Ç'), 'Ã', 'È'), 'Ã', 'É'), 'Ã', 'Ê'), 'Ã', 'Ë'), 'Ã', 'Ì'), 'Ã', 'Í'), 'Ã', 'Î'), 'Ã', 'Ï'), 'Ã', 'Ð'), 'Ã', 'Ñ'), 'Ã', 'Ò'), 'Ã', 'Ó'), 'Ã', 'Ô'), 'Ã', 'Õ'), 'Ã', 'Ö'), 'Ã', '×'), 'Ã', 'Ø'), 'Ã', 'Ù'), 'Ã', 'Ú'), 'Ã', 'Û'), 'Ã', 'Ü'), 'Ã', 'Ý'), 'Ã', 'Þ'), 'Ã', 'ß'), 'Ã ', 'à'), 'Ã¡', 'á'), 'Ã¢', 'â'), 'Ã£', 'ã'), 'Ã¤', 'ä'), 'Ã¥', 'å'), 'Ã¦', 'æ'), 'Ã§', 'ç'), 'Ã¨', 'è'), 'Ã©', 'é'), 'Ãª', 'ê'), 'Ã«', 'ë'), 'Ã¬', 'ì'), 'Ã­', 'í'), 'Ã®', 'î'), 'Ã¯', 'ï'), 'Ã°', 'ð'), 'Ã±', 'ñ'), 'Ã²', 'ò'), 'Ã³', 'ó'), 'Ã´', 'ô'), 'Ãµ', 'õ'), 'Ã¶', 'ö'), 'Ã·', '÷'), 'Ã¸', 'ø'), 'Ã¹', 'ù'), 'Ãº', 'ú'), 'Ã»', 'û'), 'Ã¼', 'ü'), 'Ã½', 'ý'), 'Ã¾', 'þ'), 'Ã¿', 'ÿ'), 'Ä', 'Ā'), 'Ä', 'ā'), 'Ä', 'Ă'), 'Ä', 'ă'), 'Ä', 'Ą'), 'Ä', 'ą'), 'Ä', 'Ć'), 'Ä', 'ć'), 'Ä', 'Ĉ'), 'Ä', 'ĉ'), 'Ä', 'Ċ'), 'Ä', 'ċ'), 'Ä', 'Č'), 'Ä', 'č'), 'Ä', 'Ď'), 'Ä', 'ď'), 'Ä', 'Đ'), 'Ä', 'đ'), 'Ä', 'Ē'), 'Ä', 'ē'), 'Ä', 'Ĕ'), 'Ä', 'ĕ'), 'Ä', 'Ė'), 'Ä', 'ė'), 'Ä', 'Ę'), 'Ä', 'ę'), 'Ä', 'Ě'), 'Ä', 'ě'), 'Ä', 'Ĝ'), 'Ä', 'ĝ'), 'Ä', 'Ğ'), 'Ä', 'ğ'), 'Ä ', 'Ġ'), 'Ä¡', 'ġ'), 'Ä¢', 'Ģ'), 'Ä£', 'ģ'), 'Ä¤', 'Ĥ'), 'Ä¥', 'ĥ'), 'Ä¦', 'Ħ'), 'Ä§', 'ħ'), 'Ä¨', 'Ĩ'), 'Ä©', 'ĩ'), 'Äª', 'Ī'), 'Ä«', 'ī'), 'Ä¬', 'Ĭ'), 'Ä­', 'ĭ'), 'Ä®', 'Į'), 'Ä¯', 'į'), 'Ä°', 'İ'), 'Ä±', 'ı'), 'Ä²', 'Ĳ'), 'Ä³', 'ĳ'), 'Ä´', 'Ĵ'), 'Äµ', 'ĵ'), 'Ä¶', 'Ķ'), 'Ä·', 'ķ'), 'Ä¸', 'ĸ'), 'Ä¹', 'Ĺ'), 'Äº', 'ĺ'), 'Ä»', 'Ļ'), 'Ä¼', 'ļ'), 'Ä½', 'Ľ'), 'Ä¾', 'ľ'), 'Ä¿', 'Ŀ'), 'Å', 'ŀ'), 'Å', 'Ł'), 'Å', 'ł'), 'Å', 'Ń'), 'Å', 'ń'), 'Å', 'Ņ'), 'Å', 'ņ'), 'Å', 'Ň'), 'Å', 'ň'), 'Å', 'ŉ'), 'Å', 'Ŋ'), 'Å', 'ŋ'), 'Å', 'Ō'), 'Å', 'ō'), 'Å', 'Ŏ'), 'Å', 'ŏ'), 'Å', 'Ő'), 'Å', 'ő'), 'Å', 'Œ'), 'Å', 'œ'), 'Å', 'Ŕ'), 'Å', 'ŕ'), 'Å', 'Ŗ'), 'Å', 'ŗ'), 'Å', 'Ř'), 'Å', 'ř'), 'Å', 'Ś'), 'Å', 'ś'), 'Å', 'Ŝ'), 'Å', 'ŝ'), 'Å', 'Ş'), 'Å', 'ş'), 'Å ', 'Š'), 'Å¡', 'š'), 'Å¢', 'Ţ'), 'Å£', 'ţ'), 'Å¤', 'Ť'), 'Å¥', 'ť'), 'Å¦', 'Ŧ'), 'Å§', 'ŧ'), 'Å¨', 'Ũ'), 'Å©', 'ũ'), 'Åª', 'Ū'), 'Å«', 'ū'), 'Å¬', 'Ŭ'), 'Å­', 'ŭ'), 'Å®', 'Ů'), 'Å¯', 'ů'), 'Å°', 'Ű'), 'Å±', 'ű'), 'Å²', 'Ų'), 'Å³', 'ų'), 'Å´', 'Ŵ'), 'Åµ', 'ŵ'), 'Å¶', 'Ŷ'), 'Å·', 'ŷ'), 'Å¸', 'Ÿ'), 'Å¹', 'Ź'), 'Åº', 'ź'), 'Å»', 'Ż'), 'Å¼', 'ż'), 'Å½', 'Ž'), 'Å¾', 'ž'), 'Å¿', 'ſ'), 'Í°', 'Ͱ'), 'Í±', 'ͱ'), 'Í²', 'Ͳ'), 'Í³', 'ͳ'), 'Í´', 'ʹ'), 'Íµ', '͵'), 'Í¶', 'Ͷ'), 'Í·', 'ͷ'), 'Í¸', '͸'), 'Í¹', '͹'), 'Íº', 'ͺ'), 'Í»', 'ͻ'), 'Í¼', 'ͼ'), 'Í½', 'ͽ'), 'Í¾', ';'), 'Í¿', 'Ϳ'), 'Î', '΀'), 'Î', '΁'), 'Î', '΂'), 'Î', '΃'), 'Î', '΄'), 'Î', '΅'), 'Î', 'Ά'), 'Î', '·'), 'Î', 'Έ'), 'Î', 'Ή'), 'Î', 'Ί'), 'Î', '΋'), 'Î', 'Ό'), 'Î', '΍'), 'Î', 'Ύ'), 'Î', 'Ώ'), 'Î', 'ΐ'), 'Î', 'Α'), 'Î', 'Β'), 'Î', 'Γ'), 'Î', 'Δ'), 'Î', 'Ε'), 'Î', 'Ζ'), 'Î', 'Η'), 'Î', 'Θ'), 'Î', 'Ι'), 'Î', 'Κ'), 'Î', 'Λ'), 'Î', 'Μ'), 'Î', 'Ν'), 'Î', 'Ξ'), 'Î', 'Ο'), 'Î ', 'Π'), 'Î¡', 'Ρ'), 'Î¢', '΢'), 'Î£', 'Σ'), 'Î¤', 'Τ'), 'Î¥', 'Υ'), 'Î¦', 'Φ'), 'Î§', 'Χ'), 'Î¨', 'Ψ'), 'Î©', 'Ω'), 'Îª', 'Ϊ'), 'Î«', 'Ϋ'), 'Î¬', 'ά'), 'Î­', 'έ'), 'Î®', 'ή'), 'Î¯', 'ί'), 'Î°', 'ΰ'), 'Î±', 'α'), 'Î²', 'β'), 'Î³', 'γ'), 'Î´', 'δ'), 'Îµ', 'ε'), 'Î¶', 'ζ'), 'Î·', 'η'), 'Î¸', 'θ'), 'Î¹', 'ι'), 'Îº', 'κ'), 'Î»', 'λ'), 'Î¼', 'μ'), 'Î½', 'ν'), 'Î¾', 'ξ'), 'Î¿', 'ο'), 'Ï', 'π'), 'Ï', 'ρ'), 'Ï', 'ς'), 'Ï', 'σ'), 'Ï', 'τ'), 'Ï', 'υ'), 'Ï', 'φ'), 'Ï', 'χ'), 'Ï', 'ψ'), 'Ï', 'ω'), 'Ï', 'ϊ'), 'Ï', 'ϋ'), 'Ï', 'ό'), 'Ï', 'ύ'), 'Ï', 'ώ'), 'Ï', 'Ϗ'), 'Ï', 'ϐ'), 'Ï', 'ϑ'), 'Ï', 'ϒ'), 'Ï', 'ϓ'), 'Ï', 'ϔ'), 'Ï', 'ϕ'), 'Ï', 'ϖ'), 'Ï', 'ϗ'), 'Ï', 'Ϙ'), 'Ï', 'ϙ'), 'Ï', 'Ϛ'), 'Ï', 'ϛ'), 'Ï', 'Ϝ'), 'Ï', 'ϝ'), 'Ï', 'Ϟ'), 'Ï', 'ϟ'), 'Ï ', 'Ϡ'), 'Ï¡', 'ϡ'), 'Ï¢', 'Ϣ'), 'Ï£', 'ϣ'), 'Ï¤', 'Ϥ'), 'Ï¥', 'ϥ'), 'Ï¦', 'Ϧ'), 'Ï§', 'ϧ'), 'Ï¨', 'Ϩ'), 'Ï©', 'ϩ'), 'Ïª', 'Ϫ'), 'Ï«', 'ϫ'), 'Ï¬', 'Ϭ'), 'Ï­', 'ϭ'), 'Ï®', 'Ϯ'), 'Ï¯', 'ϯ'), 'Ï°', 'ϰ'), 'Ï±', 'ϱ'), 'Ï²', 'ϲ'), 'Ï³', 'ϳ'), 'Ï´', 'ϴ'), 'Ïµ', 'ϵ'), 'Ï¶', '϶'), 'Ï·', 'Ϸ'), 'Ï¸', 'ϸ'), 'Ï¹', 'Ϲ'), 'Ïº', 'Ϻ'), 'Ï»', 'ϻ'), 'Ï¼', 'ϼ'), 'Ï½', 'Ͻ'), 'Ï¾', 'Ͼ'), 'Ï¿', 'Ͽ'), 'Ð', 'Ѐ'), 'Ð', 'Ё'), 'Ð', 'Ђ'), 'Ð', 'Ѓ'), 'Ð', 'Є'), 'Ð', 'Ѕ'), 'Ð', 'І'), 'Ð', 'Ї'), 'Ð', 'Ј'), 'Ð', 'Љ'), 'Ð', 'Њ'), 'Ð', 'Ћ'), 'Ð', 'Ќ'), 'Ð', 'Ѝ'), 'Ð', 'Ў'), 'Ð', 'Џ'), 'Ð', 'А'), 'Ð', 'Б'), 'Ð', 'В'), 'Ð', 'Г'), 'Ð', 'Д'), 'Ð', 'Е'), 'Ð', 'Ж'), 'Ð', 'З'), 'Ð', 'И'), 'Ð', 'Й'), 'Ð', 'К'), 'Ð', 'Л'), 'Ð', 'М'), 'Ð', 'Н'), 'Ð', 'О'), 'Ð', 'П'), 'Ð ', 'Р'), 'Ð¡', 'С'), 'Ð¢', 'Т'), 'Ð£', 'У'), 'Ð¤', 'Ф'), 'Ð¥', 'Х'), 'Ð¦', 'Ц'), 'Ð§', 'Ч'), 'Ð¨', 'Ш'), 'Ð©', 'Щ'), 'Ðª', 'Ъ'), 'Ð«', 'Ы'), 'Ð¬', 'Ь'), 'Ð­', 'Э'), 'Ð®', 'Ю'), 'Ð¯', 'Я'), 'Ð°', 'а'), 'Ð±', 'б'), 'Ð²', 'в'), 'Ð³', 'г'), 'Ð´', 'д'), 'Ðµ', 'е'), 'Ð¶', 'ж'), 'Ð·', 'з'), 'Ð¸', 'и'), 'Ð¹', 'й'), 'Ðº', 'к'), 'Ð»', 'л'), 'Ð¼', 'м'), 'Ð½', 'н'), 'Ð¾', 'о'), 'Ð¿', 'п'), 'Ñ', 'р'), 'Ñ', 'с'), 'Ñ', 'т'), 'Ñ', 'у'), 'Ñ', 'ф'), 'Ñ', 'х'), 'Ñ', 'ц'), 'Ñ', 'ч'), 'Ñ', 'ш'), 'Ñ', 'щ'), 'Ñ', 'ъ'), 'Ñ', 'ы'), 'Ñ', 'ь'), 'Ñ', 'э'), 'Ñ', 'ю'), 'Ñ', 'я'), 'Ñ', 'ѐ'), 'Ñ', 'ё'), 'Ñ', 'ђ'), 'Ñ', 'ѓ'), 'Ñ', 'є'), 'Ñ', 'ѕ'), 'Ñ', 'і'), 'Ñ', 'ї'), 'Ñ', 'ј'), 'Ñ', 'љ'), 'Ñ', 'њ'), 'Ñ', 'ћ'), 'Ñ', 'ќ'), 'Ñ', 'ѝ'), 'Ñ', 'ў'), 'Ñ', 'џ'), 'Ñ ', 'Ѡ'), 'Ñ¡', 'ѡ'), 'Ñ¢', 'Ѣ'), 'Ñ£', 'ѣ'), 'Ñ¤', 'Ѥ'), 'Ñ¥', 'ѥ'), 'Ñ¦', 'Ѧ'), 'Ñ§', 'ѧ'), 'Ñ¨', 'Ѩ'), 'Ñ©', 'ѩ'), 'Ñª', 'Ѫ'), 'Ñ«', 'ѫ'), 'Ñ¬', 'Ѭ'), 'Ñ­', 'ѭ'), 'Ñ®', 'Ѯ'), 'Ñ¯', 'ѯ'), 'Ñ°', 'Ѱ'), 'Ñ±', 'ѱ'), 'Ñ²', 'Ѳ'), 'Ñ³', 'ѳ'), 'Ñ´', 'Ѵ'), 'Ñµ', 'ѵ'), 'Ñ¶', 'Ѷ'), 'Ñ·', 'ѷ'), 'Ñ¸', 'Ѹ'), 'Ñ¹', 'ѹ'), 'Ñº', 'Ѻ'), 'Ñ»', 'ѻ'), 'Ñ¼', 'Ѽ'), 'Ñ½', 'ѽ'), 'Ñ¾', 'Ѿ'), 'Ñ¿', 'ѿ'), 'Ò', 'Ҁ'), 'Ò', 'ҁ'), 'Ò', '҂'), 'Ò', '҃'), 'Ò', '҄'), 'Ò', '҅'), 'Ò', '҆'), 'Ò', '҇'), 'Ò', '҈'), 'Ò', '҉'), 'Ò', 'Ҋ'), 'Ò', 'ҋ'), 'Ò', 'Ҍ'), 'Ò', 'ҍ'), 'Ò', 'Ҏ'), 'Ò', 'ҏ'), 'Ò', 'Ґ'), 'Ò', 'ґ'), 'Ò', 'Ғ'), 'Ò', 'ғ'), 'Ò', 'Ҕ'), 'Ò', 'ҕ'), 'Ò', 'Җ'), 'Ò', 'җ'), 'Ò', 'Ҙ'), 'Ò', 'ҙ'), 'Ò', 'Қ'), 'Ò', 'қ'), 'Ò', 'Ҝ'), 'Ò', 'ҝ'), 'Ò', 'Ҟ'), 'Ò', 'ҟ'), 'Ò ', 'Ҡ'), 'Ò¡', 'ҡ'), 'Ò¢', 'Ң'), 'Ò£', 'ң'), 'Ò¤', 'Ҥ'), 'Ò¥', 'ҥ'), 'Ò¦', 'Ҧ'), 'Ò§', 'ҧ'), 'Ò¨', 'Ҩ'), 'Ò©', 'ҩ'), 'Òª', 'Ҫ'), 'Ò«', 'ҫ'), 'Ò¬', 'Ҭ'), 'Ò­', 'ҭ'), 'Ò®', 'Ү'), 'Ò¯', 'ү'), 'Ò°', 'Ұ'), 'Ò±', 'ұ'), 'Ò²', 'Ҳ'), 'Ò³', 'ҳ'), 'Ò´', 'Ҵ'), 'Òµ', 'ҵ'), 'Ò¶', 'Ҷ'), 'Ò·', 'ҷ'), 'Ò¸', 'Ҹ'), 'Ò¹', 'ҹ'), 'Òº', 'Һ'), 'Ò»', 'һ'), 'Ò¼', 'Ҽ'), 'Ò½', 'ҽ'), 'Ò¾', 'Ҿ'), 'Ò¿', 'ҿ'), 'Ó', 'Ӏ'), 'Ó', 'Ӂ'), 'Ó', 'ӂ'), 'Ó', 'Ӄ'), 'Ó', 'ӄ'), 'Ó', 'Ӆ'), 'Ó', 'ӆ'), 'Ó', 'Ӈ'), 'Ó', 'ӈ'), 'Ó', 'Ӊ'), 'Ó', 'ӊ'), 'Ó', 'Ӌ'), 'Ó', 'ӌ'), 'Ó', 'Ӎ'), 'Ó', 'ӎ'), 'Ó', 'ӏ'), 'Ó', 'Ӑ'), 'Ó', 'ӑ'), 'Ó', 'Ӓ'), 'Ó', 'ӓ'), 'Ó', 'Ӕ'), 'Ó', 'ӕ'), 'Ó', 'Ӗ'), 'Ó', 'ӗ'), 'Ó', 'Ә'), 'Ó', 'ә'), 'Ó', 'Ӛ'), 'Ó', 'ӛ'), 'Ó', 'Ӝ'), 'Ó', 'ӝ'), 'Ó', 'Ӟ'), 'Ó', 'ӟ'), 'Ó ', 'Ӡ'), 'Ó¡', 'ӡ'), 'Ó¢', 'Ӣ'), 'Ó£', 'ӣ'), 'Ó¤', 'Ӥ'), 'Ó¥', 'ӥ'), 'Ó¦', 'Ӧ'), 'Ó§', 'ӧ'), 'Ó¨', 'Ө'), 'Ó©', 'ө'), 'Óª', 'Ӫ'), 'Ó«', 'ӫ'), 'Ó¬', 'Ӭ'), 'Ó­', 'ӭ'), 'Ó®', 'Ӯ'), 'Ó¯', 'ӯ'), 'Ó°', 'Ӱ'), 'Ó±', 'ӱ'), 'Ó²', 'Ӳ'), 'Ó³', 'ӳ'), 'Ó´', 'Ӵ'), 'Óµ', 'ӵ'), 'Ó¶', 'Ӷ'), 'Ó·', 'ӷ'), 'Ó¸', 'Ӹ'), 'Ó¹', 'ӹ'), 'Óº', 'Ӻ'), 'Ó»', 'ӻ'), 'Ó¼', 'Ӽ'), 'Ó½', 'ӽ'), 'Ó¾', 'Ӿ'), 'Ó¿', 'ӿ')
    END
$$ LANGUAGE sql;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'songplays'
ORDER BY ordinal_position;

LOCK "songplays";

CREATE TEMP TABLE songplays_plays AS
WITH events AS (
    SELECT
        user_id,
        session_id,
        item_in_session,
        ts,
        RTRIM(level) AS level,
        RTRIM(song) AS song,
        RTRIM(artist) AS artist,
        length,
        RTRIM(location) AS location,
        RTRIM(user_agent) AS user_agent
    FROM staging_events
    WHERE page = 'NextSong'
      AND user_id IS NOT NULL
      AND session_id IS NOT NULL
      AND item_in_session IS NOT NULL
      AND ts >= 1541030400000 AND ts < 1543622400000
),
staged_plays AS (
    SELECT
        *,
        ROW_NUMBER() OVER (
            PARTITION BY user_id, session_id, item_in_session
            ORDER BY ts, song, artist, length, level, location, user_agent
        ) AS copy_number
    FROM events
)
SELECT user_id, session_id, item_in_session, ts, level, song, artist, length, location, user_agent
FROM staged_plays
WHERE copy_number = 1;

ANALYZE "songplays_plays";

CREATE TEMP TABLE songplays_texts AS
SELECT damaged, f_repair_text(damaged) AS text
FROM (
    SELECT song AS damaged FROM songplays_plays
    UNION SELECT artist FROM songplays_plays
    UNION SELECT location FROM songplays_plays
    UNION SELECT user_agent FROM songplays_plays
) AS texts;

ANALYZE "songplays_texts";

DELETE FROM "songplays";

INSERT INTO songplays (
    songplay_id, start_time, user_id, level, song_id, artist_id, session_id, location, user_agent
)
WITH song_identities AS (
    SELECT RTRIM(title) AS title, RTRIM(artist_name) AS artist_name, duration,
           MIN(RTRIM(song_id)) AS song_id
    FROM staging_songs
    WHERE song_id IS NOT NULL
    GROUP BY RTRIM(title), RTRIM(artist_name), duration
),
song_artists AS (
    SELECT RTRIM(song_id) AS song_id, MIN(RTRIM(artist_id)) AS artist_id
    FROM staging_songs
    GROUP BY RTRIM(song_id)
)
SELECT
    MD5(
        CAST(p.user_id AS VARCHAR) || ':' || CAST(p.session_id AS VARCHAR) || ':'
        || CAST(p.item_in_session AS VARCHAR)
    ),
    TIMESTAMP 'epoch' + p.ts * INTERVAL '1 millisecond',
    p.user_id,
    p.level,
    i.song_id,
    a.artist_id,
    p.session_id,
    place.text,
    CASE
        WHEN LENGTH(browser.text) >= 2 AND LEFT(browser.text, 1) = '"' AND RIGHT(browser.text, 1) = '"'
            THEN SUBSTRING(browser.text, 2, LENGTH(browser.text) - 2)
        ELSE browser.text
    END
FROM songplays_plays AS p
LEFT JOIN songplays_texts AS title ON title.damaged = p.song
LEFT JOIN songplays_texts AS artist ON artist.damaged = p.artist
LEFT JOIN songplays_texts AS place ON place.damaged = p.location
LEFT JOIN songplays_texts AS browser ON browser.damaged = p.user_agent
LEFT JOIN song_identities AS i
    ON i.title = title.text AND i.artist_name = artist.text AND i.duration = p.length
LEFT JOIN song_artists AS a
    ON a.song_id = i.song_id;

DELETE FROM day_rows
WHERE tbl_name = 'songplays' AND day BETWEEN '2018-11-01'::date AND '2018-11-30'::date;

INSERT INTO day_rows (tbl_name, day, row_count)
SELECT 'songplays', CAST("start_time" AS DATE), COUNT(*)
FROM "songplays"
WHERE "start_time" >= '2018-11-01T00:00:00'::timestamp AND "start_time" < '2018-12-01T00:00:00'::timestamp
GROUP BY CAST("start_time" AS DATE);

SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT)
FROM day_rows
WHERE tbl_name = 'songplays';

SELECT day, row_count
FROM day_rows
WHERE tbl_name = 'songplays' AND day BETWEEN '2018-11-01'::date AND '2018-11-30'::date;

SELECT CAST(start_time AS DATE) AS day,
       COUNT(*) AS plays,
       COUNT(DISTINCT user_id) AS active_users,
       CAST(COUNT(song_id) AS FLOAT8) / COUNT(*) AS matched_share
FROM songplays
WHERE start_time >= '2018-11-01T00:00:00'::timestamp AND start_time < '2018-12-01T00:00:00'::timestamp
GROUP BY CAST(start_time AS DATE);

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'songplays'
ORDER BY ordinal_position;

ANALYZE "songplays";

COMMIT;

-- step: songplays_artist_id_in_artists

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT CAST(orphan AS VARCHAR), COUNT(*) OVER () AS orphan_count
FROM (
    SELECT DISTINCT c."artist_id" AS orphan
    FROM "songplays" AS c
    LEFT JOIN "artists" AS p ON p."artist_id" = c."artist_id"
    WHERE c."artist_id" IS NOT NULL AND p."artist_id" IS NULL
) AS orphans
ORDER BY 1
LIMIT 5;

COMMIT;

-- step: songplays_damaged_text

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT text, COUNT(*) OVER () AS damaged_count
FROM (
    SELECT DISTINCT f_repair_text(damaged) AS text
    FROM (
        SELECT RTRIM(song) AS damaged FROM staging_events WHERE page = 'NextSong'
        UNION SELECT RTRIM(artist) FROM staging_events WHERE page = 'NextSong'
        UNION SELECT RTRIM(location) FROM staging_events WHERE page = 'NextSong'
        UNION SELECT RTRIM(user_agent) FROM staging_events WHERE page = 'NextSong'
    ) AS texts
) AS repaired
WHERE text ~ '[Â-ô][-¿]'
ORDER BY 1
LIMIT 5;

COMMIT;

-- step: songplays_one_row_per_play

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    (
        SELECT COUNT(*) FROM songplays
        WHERE start_time >= '2018-11-01T00:00:00'::timestamp AND start_time < '2018-12-01T00:00:00'::timestamp
    ) AS songplays,
    (
        SELECT COUNT(*)
        FROM (
            SELECT DISTINCT user_id, session_id, item_in_session
            FROM staging_events
            WHERE page = 'NextSong'
              AND user_id IS NOT NULL
              AND session_id IS NOT NULL
              AND item_in_session IS NOT NULL
              AND ts >= 1541030400000 AND ts < 1543622400000
        ) AS plays
    ) AS plays,
    (
        SELECT COUNT(*)
        FROM staging_events
        WHERE page = 'NextSong'
          AND user_id IS NOT NULL
          AND (session_id IS NULL OR item_in_session IS NULL)
          AND ts >= 1541030400000 AND ts < 1543622400000
    ) AS unplaceable_events;

COMMIT;

-- step: songplays_primary_key

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    COUNT(*)                                                           AS row_count,
    COUNT(*) - COUNT("songplay_id")                                            AS null_keys,
    COUNT("songplay_id") - COUNT(DISTINCT RTRIM(CAST("songplay_id" AS VARCHAR(64))))   AS duplicate_keys
FROM "songplays";

COMMIT;

-- step: songplays_song_id_in_songs

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT CAST(orphan AS VARCHAR), COUNT(*) OVER () AS orphan_count
FROM (
    SELECT DISTINCT c."song_id" AS orphan
    FROM "songplays" AS c
    LEFT JOIN "songs" AS p ON p."song_id" = c."song_id"
    WHERE c."song_id" IS NOT NULL AND p."song_id" IS NULL
) AS orphans
ORDER BY 1
LIMIT 5;

COMMIT;

-- step: songplays_song_match_share

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) AS songplays, COUNT(song_id) AS matched FROM songplays;

COMMIT;

-- step: songplays_user_id_in_users

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT CAST(orphan AS VARCHAR), COUNT(*) OVER () AS orphan_count
FROM (
    SELECT DISTINCT c."user_id" AS orphan
    FROM "songplays" AS c
    LEFT JOIN "users" AS p ON p."user_id" = c."user_id"
    WHERE c."user_id" IS NOT NULL AND p."user_id" IS NULL
) AS orphans
ORDER BY 1
LIMIT 5;

COMMIT;

-- step: songs

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'staging_songs';

CREATE TABLE IF NOT EXISTS songs (
    song_id   VARCHAR(32) NOT NULL PRIMARY KEY,
    title     VARCHAR(512),
    artist_id VARCHAR(32),
    year      INTEGER,
    duration  DOUBLE PRECISION
)
DISTSTYLE ALL SORTKEY (song_id);

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'songs'
ORDER BY ordinal_position;

LOCK "songs";

DELETE FROM "songs";

INSERT INTO songs (song_id, title, artist_id, year, duration)
SELECT song_id, title, artist_id, NULLIF(year, 0), duration
FROM (
    SELECT
        *,
        ROW_NUMBER() OVER (
            PARTITION BY song_id ORDER BY artist_id, title, duration, year
        ) AS version
    FROM (
        SELECT RTRIM(song_id) AS song_id, RTRIM(title) AS title, RTRIM(artist_id) AS artist_id,
               year, duration
        FROM staging_songs
        WHERE song_id IS NOT NULL
    ) AS catalogue
) AS song_versions
WHERE version = 1;

SELECT COUNT(*) FROM "songs";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'songs'
ORDER BY ordinal_position;

ANALYZE "songs";

COMMIT;

-- step: songs_artist_id_in_artists

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT CAST(orphan AS VARCHAR), COUNT(*) OVER () AS orphan_count
FROM (
    SELECT DISTINCT c."artist_id" AS orphan
    FROM "songs" AS c
    LEFT JOIN "artists" AS p ON p."artist_id" = c."artist_id"
    WHERE c."artist_id" IS NOT NULL AND p."artist_id" IS NULL
) AS orphans
ORDER BY 1
LIMIT 5;

COMMIT;

-- step: songs_primary_key

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    COUNT(*)                                                           AS row_count,
    COUNT(*) - COUNT("song_id")                                            AS null_keys,
    COUNT("song_id") - COUNT(DISTINCT RTRIM(CAST("song_id" AS VARCHAR(64))))   AS duplicate_keys
FROM "songs";

COMMIT;

-- step: staging_events

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'day_rows';

CREATE TABLE IF NOT EXISTS load_history (
    load_id      VARCHAR(64)   NOT NULL PRIMARY KEY,
    tbl_name     VARCHAR(128)  NOT NULL,
    source       VARCHAR(1024) NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    started_at   TIMESTAMP     NOT NULL,
    finished_at  TIMESTAMP     NOT NULL,
    files        INTEGER       NOT NULL,
    records_read BIGINT        NOT NULL,
    rows_loaded  BIGINT        NOT NULL,
    rejected     BIGINT        NOT NULL,
    maxerror     INTEGER       NOT NULL,
    first_day    DATE,
    last_day     DATE
)
DISTSTYLE AUTO;

CREATE TABLE IF NOT EXISTS load_errors (
    load_id         VARCHAR(64)   NOT NULL,
    starttime       TIMESTAMP     NOT NULL,
    tbl_name        VARCHAR(128)  NOT NULL,
    filename        VARCHAR(4096) NOT NULL,
    line_number     BIGINT        NOT NULL,
    colname         VARCHAR(128),
    type            VARCHAR(32),
    raw_line        VARCHAR(1024),
    raw_field_value VARCHAR(1024),
    err_code        INTEGER       NOT NULL,
    err_reason      VARCHAR(512)  NOT NULL
)
DISTSTYLE AUTO;

CREATE TABLE IF NOT EXISTS load_unmapped_keys (
    load_id      VARCHAR(64)   NOT NULL,
    tbl_name     VARCHAR(128)  NOT NULL,
    json_key     VARCHAR(512)  NOT NULL,
    records      BIGINT        NOT NULL,
    example_file VARCHAR(4096) NOT NULL,
    example_line BIGINT        NOT NULL
)
DISTSTYLE AUTO;

CREATE TABLE IF NOT EXISTS day_rows (
    tbl_name  VARCHAR(128) NOT NULL,
    day       DATE         NOT NULL,
    row_count BIGINT       NOT NULL
)
DISTSTYLE AUTO;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'load_history'
ORDER BY ordinal_position;

CREATE TABLE IF NOT EXISTS staging_events (
    artist          VARCHAR(512),
    auth            VARCHAR(32),
    first_name      VARCHAR(256),
    gender          VARCHAR(16),
    item_in_session INTEGER,
    last_name       VARCHAR(256),
    length          DOUBLE PRECISION,
    level           VARCHAR(16),
    location        VARCHAR(512),
    method          VARCHAR(16),
    page            VARCHAR(64),
    registration    DOUBLE PRECISION,
    session_id      INTEGER,
    song            VARCHAR(512),
    status          SMALLINT,
    ts              BIGINT,
    user_agent      VARCHAR(1024),
    user_id         INTEGER
)
DISTSTYLE EVEN SORTKEY (ts);

LOCK "staging_events";

DELETE FROM "staging_events";

SELECT pg_backend_pid();

COPY "staging_events"
FROM 's3://udacity-dend/log_data/'
IAM_ROLE 'arn:aws:iam::123456789012:role/sparkify-redshift-s3-read'
FORMAT AS JSON 's3://udacity-dend/log_json_path.json'
REGION 'us-west-2'
MAXERROR 0
COMPUPDATE OFF
STATUPDATE OFF;

SELECT query_id, status, loaded_rows, source_file_count, error_count
FROM sys_load_history
WHERE session_id = 1073
ORDER BY start_time DESC
LIMIT 1;

SELECT DISTINCT TRIM(file_name) AS file_name
FROM sys_load_detail
WHERE query_id = 4242
ORDER BY 1
LIMIT 10000;

SELECT COUNT(*) FROM "staging_events"
WHERE "ts" IS NULL OR "ts" < 1541030400000 OR "ts" >= 1543622400000;

INSERT INTO load_errors (
    load_id, starttime, tbl_name, filename, line_number, colname, type,
    raw_line, raw_field_value, err_code, err_reason
)
SELECT
    '00000000000040008000000000000001', '2018-11-30T12:00:00'::timestamp, 'staging_events', TRIM(file_name), line_number, TRIM(column_name),
    TRIM(column_type), NULL, NULL, error_code, TRIM(error_message)
FROM sys_load_error_detail
WHERE query_id = 4242;

INSERT INTO load_history (
    load_id, tbl_name, source, status, started_at, finished_at,
    files, records_read, rows_loaded, rejected, maxerror, first_day, last_day
) VALUES (
    '00000000000040008000000000000001', 'staging_events', 's3://udacity-dend/log_data/', 'committed', '2018-11-30T12:00:00'::timestamp, '2018-11-30T12:00:00'::timestamp,
    3, 100, 100, 0, 0,
    '2018-11-01'::date, '2018-11-30'::date
);

ANALYZE "staging_events";

DELETE FROM day_rows
WHERE tbl_name = 'staging_events' AND day BETWEEN '2018-11-01'::date AND '2018-11-30'::date;

INSERT INTO day_rows (tbl_name, day, row_count)
SELECT 'staging_events', CAST(TIMESTAMP 'epoch' + "ts" * INTERVAL '1 millisecond' AS DATE), COUNT(*)
FROM "staging_events"
WHERE "ts" >= 1541030400000 AND "ts" < 1543622400000
GROUP BY CAST(TIMESTAMP 'epoch' + "ts" * INTERVAL '1 millisecond' AS DATE);

SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT)
FROM day_rows
WHERE tbl_name = 'staging_events';

SELECT day, row_count
FROM day_rows
WHERE tbl_name = 'staging_events' AND day BETWEEN '2018-11-01'::date AND '2018-11-30'::date;

SELECT filename, COUNT(*)
FROM load_errors
WHERE load_id = '00000000000040008000000000000001'
GROUP BY filename;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'staging_events'
ORDER BY ordinal_position;

COMMIT;

-- step: staging_events_load_reconciles

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    h.load_id, h.records_read, h.rows_loaded, h.rejected, COUNT(e.load_id) AS errors_recorded,
    h.first_day, h.last_day
FROM (
    SELECT load_id, records_read, rows_loaded, rejected, first_day, last_day
    FROM load_history
    WHERE tbl_name = 'staging_events' AND status = 'committed'
    ORDER BY finished_at DESC
    LIMIT 1
) AS h
LEFT JOIN load_errors AS e ON e.load_id = h.load_id
GROUP BY h.load_id, h.records_read, h.rows_loaded, h.rejected, h.first_day, h.last_day;

SELECT COUNT(*) FROM "staging_events";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'staging_events'
ORDER BY ordinal_position;

COMMIT;

-- step: staging_events_new_json_keys

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    h.load_id, h.records_read, h.rows_loaded, h.rejected, COUNT(e.load_id) AS errors_recorded,
    h.first_day, h.last_day
FROM (
    SELECT load_id, records_read, rows_loaded, rejected, first_day, last_day
    FROM load_history
    WHERE tbl_name = 'staging_events' AND status = 'committed'
    ORDER BY finished_at DESC
    LIMIT 1
) AS h
LEFT JOIN load_errors AS e ON e.load_id = h.load_id
GROUP BY h.load_id, h.records_read, h.rows_loaded, h.rejected, h.first_day, h.last_day;

SELECT
    k.json_key, k.records, k.example_file, k.example_line, earlier.json_key IS NULL AS is_new
FROM load_unmapped_keys AS k
LEFT JOIN (
    SELECT DISTINCT json_key
    FROM load_unmapped_keys
    WHERE tbl_name = 'staging_events' AND load_id <> 'load'
) AS earlier ON earlier.json_key = k.json_key
WHERE k.load_id = 'load' AND k.tbl_name = 'staging_events'
ORDER BY k.records DESC, k.json_key;

COMMIT;

-- step: staging_songs

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'day_rows';

CREATE TABLE IF NOT EXISTS load_history (
    load_id      VARCHAR(64)   NOT NULL PRIMARY KEY,
    tbl_name     VARCHAR(128)  NOT NULL,
    source       VARCHAR(1024) NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    started_at   TIMESTAMP     NOT NULL,
    finished_at  TIMESTAMP     NOT NULL,
    files        INTEGER       NOT NULL,
    records_read BIGINT        NOT NULL,
    rows_loaded  BIGINT        NOT NULL,
    rejected     BIGINT        NOT NULL,
    maxerror     INTEGER       NOT NULL,
    first_day    DATE,
    last_day     DATE
)
DISTSTYLE AUTO;

CREATE TABLE IF NOT EXISTS load_errors (
    load_id         VARCHAR(64)   NOT NULL,
    starttime       TIMESTAMP     NOT NULL,
    tbl_name        VARCHAR(128)  NOT NULL,
    filename        VARCHAR(4096) NOT NULL,
    line_number     BIGINT        NOT NULL,
    colname         VARCHAR(128),
    type            VARCHAR(32),
    raw_line        VARCHAR(1024),
    raw_field_value VARCHAR(1024),
    err_code        INTEGER       NOT NULL,
    err_reason      VARCHAR(512)  NOT NULL
)
DISTSTYLE AUTO;

CREATE TABLE IF NOT EXISTS load_unmapped_keys (
    load_id      VARCHAR(64)   NOT NULL,
    tbl_name     VARCHAR(128)  NOT NULL,
    json_key     VARCHAR(512)  NOT NULL,
    records      BIGINT        NOT NULL,
    example_file VARCHAR(4096) NOT NULL,
    example_line BIGINT        NOT NULL
)
DISTSTYLE AUTO;

CREATE TABLE IF NOT EXISTS day_rows (
    tbl_name  VARCHAR(128) NOT NULL,
    day       DATE         NOT NULL,
    row_count BIGINT       NOT NULL
)
DISTSTYLE AUTO;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'load_history'
ORDER BY ordinal_position;

CREATE TABLE IF NOT EXISTS staging_songs (
    num_songs        INTEGER,
    artist_id        VARCHAR(32),
    artist_latitude  DOUBLE PRECISION,
    artist_longitude DOUBLE PRECISION,
    artist_location  VARCHAR(512),
    artist_name      VARCHAR(512),
    song_id          VARCHAR(32),
    title            VARCHAR(512),
    duration         DOUBLE PRECISION,
    year             INTEGER
)
DISTSTYLE ALL;

LOCK "staging_songs";

DELETE FROM "staging_songs";

SELECT pg_backend_pid();

COPY "staging_songs"
FROM 's3://udacity-dend/song_data/'
IAM_ROLE 'arn:aws:iam::123456789012:role/sparkify-redshift-s3-read'
FORMAT AS JSON 'auto'
REGION 'us-west-2'
MAXERROR 0
COMPUPDATE OFF
STATUPDATE OFF;

SELECT query_id, status, loaded_rows, source_file_count, error_count
FROM sys_load_history
WHERE session_id = 1073
ORDER BY start_time DESC
LIMIT 1;

SELECT DISTINCT TRIM(file_name) AS file_name
FROM sys_load_detail
WHERE query_id = 4242
ORDER BY 1
LIMIT 100;

INSERT INTO load_errors (
    load_id, starttime, tbl_name, filename, line_number, colname, type,
    raw_line, raw_field_value, err_code, err_reason
)
SELECT
    '00000000000040008000000000000001', '2018-11-30T12:00:00'::timestamp, 'staging_songs', TRIM(file_name), line_number, TRIM(column_name),
    TRIM(column_type), NULL, NULL, error_code, TRIM(error_message)
FROM sys_load_error_detail
WHERE query_id = 4242;

INSERT INTO load_history (
    load_id, tbl_name, source, status, started_at, finished_at,
    files, records_read, rows_loaded, rejected, maxerror, first_day, last_day
) VALUES (
    '00000000000040008000000000000001', 'staging_songs', 's3://udacity-dend/song_data/', 'committed', '2018-11-30T12:00:00'::timestamp, '2018-11-30T12:00:00'::timestamp,
    3, 100, 100, 0, 0,
    NULL, NULL
);

ANALYZE "staging_songs";

SELECT COUNT(*) FROM "staging_songs";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'staging_songs'
ORDER BY ordinal_position;

COMMIT;

-- step: staging_songs_load_reconciles

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    h.load_id, h.records_read, h.rows_loaded, h.rejected, COUNT(e.load_id) AS errors_recorded,
    h.first_day, h.last_day
FROM (
    SELECT load_id, records_read, rows_loaded, rejected, first_day, last_day
    FROM load_history
    WHERE tbl_name = 'staging_songs' AND status = 'committed'
    ORDER BY finished_at DESC
    LIMIT 1
) AS h
LEFT JOIN load_errors AS e ON e.load_id = h.load_id
GROUP BY h.load_id, h.records_read, h.rows_loaded, h.rejected, h.first_day, h.last_day;

SELECT COUNT(*) FROM "staging_songs";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'staging_songs'
ORDER BY ordinal_position;

COMMIT;

-- step: staging_songs_new_json_keys

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    h.load_id, h.records_read, h.rows_loaded, h.rejected, COUNT(e.load_id) AS errors_recorded,
    h.first_day, h.last_day
FROM (
    SELECT load_id, records_read, rows_loaded, rejected, first_day, last_day
    FROM load_history
    WHERE tbl_name = 'staging_songs' AND status = 'committed'
    ORDER BY finished_at DESC
    LIMIT 1
) AS h
LEFT JOIN load_errors AS e ON e.load_id = h.load_id
GROUP BY h.load_id, h.records_read, h.rows_loaded, h.rejected, h.first_day, h.last_day;

SELECT
    k.json_key, k.records, k.example_file, k.example_line, earlier.json_key IS NULL AS is_new
FROM load_unmapped_keys AS k
LEFT JOIN (
    SELECT DISTINCT json_key
    FROM load_unmapped_keys
    WHERE tbl_name = 'staging_songs' AND load_id <> 'load'
) AS earlier ON earlier.json_key = k.json_key
WHERE k.load_id = 'load' AND k.tbl_name = 'staging_songs'
ORDER BY k.records DESC, k.json_key;

COMMIT;

-- step: time

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'songplays';

CREATE TABLE IF NOT EXISTS time (
    start_time TIMESTAMP NOT NULL PRIMARY KEY,
    hour       SMALLINT,
    day        SMALLINT,
    week       SMALLINT,
    month      SMALLINT,
    year       SMALLINT,
    weekday    SMALLINT
)
DISTSTYLE KEY DISTKEY (start_time) SORTKEY (start_time);

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'time'
ORDER BY ordinal_position;

LOCK "time";

DELETE FROM "time";

INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT
    start_time,
    EXTRACT(HOUR FROM start_time),
    EXTRACT(DAY FROM start_time),
    EXTRACT(WEEK FROM start_time),
    EXTRACT(MONTH FROM start_time),
    EXTRACT(YEAR FROM start_time),
    EXTRACT(DOW FROM start_time)
FROM (
    SELECT DISTINCT start_time
    FROM songplays
    WHERE start_time >= '2018-11-01T00:00:00'::timestamp AND start_time < '2018-12-01T00:00:00'::timestamp
) AS play_starts
ORDER BY start_time;

DELETE FROM day_rows
WHERE tbl_name = 'time' AND day BETWEEN '2018-11-01'::date AND '2018-11-30'::date;

INSERT INTO day_rows (tbl_name, day, row_count)
SELECT 'time', CAST("start_time" AS DATE), COUNT(*)
FROM "time"
WHERE "start_time" >= '2018-11-01T00:00:00'::timestamp AND "start_time" < '2018-12-01T00:00:00'::timestamp
GROUP BY CAST("start_time" AS DATE);

SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT)
FROM day_rows
WHERE tbl_name = 'time';

SELECT day, row_count
FROM day_rows
WHERE tbl_name = 'time' AND day BETWEEN '2018-11-01'::date AND '2018-11-30'::date;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'time'
ORDER BY ordinal_position;

ANALYZE "time";

COMMIT;

-- step: time_has_every_songplays_start_time

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT CAST(orphan AS VARCHAR), COUNT(*) OVER () AS orphan_count
FROM (
    SELECT DISTINCT c."start_time" AS orphan
    FROM "songplays" AS c
    LEFT JOIN "time" AS p ON p."start_time" = c."start_time"
    WHERE c."start_time" IS NOT NULL AND p."start_time" IS NULL
) AS orphans
ORDER BY 1
LIMIT 5;

COMMIT;

-- step: time_primary_key

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    COUNT(*)                                                           AS row_count,
    COUNT(*) - COUNT("start_time")                                            AS null_keys,
    COUNT("start_time") - COUNT(DISTINCT RTRIM(CAST("start_time" AS VARCHAR(64))))   AS duplicate_keys
FROM "time";

COMMIT;

-- step: top_artists

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'songplays';

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'artists';

CREATE TABLE IF NOT EXISTS top_artists (
    rank        INTEGER      NOT NULL PRIMARY KEY,
    artist_id   VARCHAR(32)  NOT NULL,
    artist_name VARCHAR(512),
    plays       BIGINT       NOT NULL
)
DISTSTYLE ALL;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'top_artists'
ORDER BY ordinal_position;

LOCK "top_artists";

DELETE FROM "top_artists";

INSERT INTO top_artists (rank, artist_id, artist_name, plays)
WITH ranked AS (
    SELECT
        artist_id,
        COUNT(*) AS plays,
        ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, artist_id) AS rank
    FROM songplays
    WHERE artist_id IS NOT NULL
    GROUP BY artist_id
)
SELECT r.rank, r.artist_id, a.name, r.plays
FROM ranked AS r
LEFT JOIN artists AS a ON a.artist_id = r.artist_id
WHERE r.rank <= 10;

SELECT COUNT(*) FROM "top_artists";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'top_artists'
ORDER BY ordinal_position;

ANALYZE "top_artists";

COMMIT;

-- connection 2: a transaction begins

SET search_path TO "public";

SELECT * FROM (SELECT * FROM "top_artists" ORDER BY "rank" DESC LIMIT 40) AS latest ORDER BY "rank";

COMMIT;

-- step: top_artists_primary_key

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    COUNT(*)                                                           AS row_count,
    COUNT(*) - COUNT("rank")                                            AS null_keys,
    COUNT("rank") - COUNT(DISTINCT RTRIM(CAST("rank" AS VARCHAR(64))))   AS duplicate_keys
FROM "top_artists";

COMMIT;

-- step: top_songs

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'songplays';

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'songs';

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'artists';

CREATE TABLE IF NOT EXISTS top_songs (
    rank        INTEGER      NOT NULL PRIMARY KEY,
    song_id     VARCHAR(32)  NOT NULL,
    title       VARCHAR(512),
    artist_name VARCHAR(512),
    plays       BIGINT       NOT NULL
)
DISTSTYLE ALL;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'top_songs'
ORDER BY ordinal_position;

LOCK "top_songs";

DELETE FROM "top_songs";

INSERT INTO top_songs (rank, song_id, title, artist_name, plays)
WITH ranked AS (
    SELECT
        song_id,
        COUNT(*) AS plays,
        ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, song_id) AS rank
    FROM songplays
    WHERE song_id IS NOT NULL
    GROUP BY song_id
)
SELECT r.rank, r.song_id, s.title, a.name, r.plays
FROM ranked AS r
LEFT JOIN songs AS s ON s.song_id = r.song_id
LEFT JOIN artists AS a ON a.artist_id = s.artist_id
WHERE r.rank <= 10;

SELECT COUNT(*) FROM "top_songs";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'top_songs'
ORDER BY ordinal_position;

ANALYZE "top_songs";

COMMIT;

-- connection 2: a transaction begins

SET search_path TO "public";

SELECT * FROM (SELECT * FROM "top_songs" ORDER BY "rank" DESC LIMIT 40) AS latest ORDER BY "rank";

COMMIT;

-- step: top_songs_primary_key

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    COUNT(*)                                                           AS row_count,
    COUNT(*) - COUNT("rank")                                            AS null_keys,
    COUNT("rank") - COUNT(DISTINCT RTRIM(CAST("rank" AS VARCHAR(64))))   AS duplicate_keys
FROM "top_songs";

COMMIT;

-- step: users

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'staging_events';

CREATE TABLE IF NOT EXISTS users (
    user_id       INTEGER NOT NULL PRIMARY KEY,
    first_name    VARCHAR(256),
    last_name     VARCHAR(256),
    gender        VARCHAR(16),
    level         VARCHAR(16),
    last_event_at TIMESTAMP
)
DISTSTYLE ALL SORTKEY (user_id);

SELECT p.prosrc
FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace
WHERE p.proname = 'f_repair_text' AND n.nspname = 'public';

SELECT p.prosrc
FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace
WHERE p.proname = 'f_repair_text' AND n.nspname = 'public';

CREATE OR REPLACE FUNCTION f_repair_text(VARCHAR(65535)) RETURNS VARCHAR(65535)
IMMUTABLE AS $$
    SELECT CASE WHEN STRPOS($1, 'Â') = 0 AND STRPOS($1, 'Ã') = 0 AND STRPOS($1, 'Ä') = 0 AND STRPOS($1, 'Å') = 0 AND STRPOS($1, 'Í') = 0 AND STRPOS($1, 'Î') = 0 AND STRPOS($1, 'Ï') = 0 AND STRPOS($1, 'Ð') = 0 AND STRPOS($1, 'Ñ') = 0 AND STRPOS($1, 'Ò') = 0 AND STRPOS($1, 'Ó') = 0 AND STRPOS($1, 'â') = 0 THEN $1 ELSE
    REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE($1, 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â ', ' '), 'Â¡', '¡'), 'Â¢', '¢'), 'Â£', '£'), 'Â¤', '¤'), 'Â¥', '¥'), 'Â¦', '¦'), 'Â§', '§'), 'Â¨', '¨'), 'Â©', '©'), 'Âª', 'ª'), 'Â«', '«'), 'Â¬', '¬'), 'Â­', '­'), 'Â®', '®'), 'Â¯', '¯'), 'Â°', '°'), 'Â±', '±'), 'Â²', '²'), 'Â³', '³'), 'Â´', '´'), 'Âµ', 'µ'), 'Â¶', '¶'), 'Â·', '·'), 'Â¸', '¸'), 'Â¹', '¹'), 'Âº', 'º'), 'Â»', '»'), 'Â¼', '¼'), 'Â½', '½'), 'Â¾', '¾'), 'Â¿', '¿'), 'Ã', 'À'), 'Ã', 'Á'), 'Ã', 'Â'), 'Ã', 'Ã'), 'Ã', 'Ä'), 'Ã', 'Å'), 'Ã', 'Æ'), 'Ã', 'Ç'), 'Ã', 'È'), 'Ã', 'É'), 'Ã', 'Ê'), 'Ã', 'Ë'), 'Ã', 'Ì'), 'Ã', 'Í'), 'Ã', 'Î'), 'Ã', 'Ï'), 'Ã', 'Ð'), 'Ã', 'Ñ'), 'Ã', 'Ò'), 'Ã', 'Ó'), 'Ã', 'Ô'), 'Ã', 'Õ'), 'Ã', 'Ö'), 'Ã', '×'), 'Ã', 'Ø'), 'Ã', 'Ù'), 'Ã', 'Ú'), 'Ã', 'Û'), 'Ã', 'Ü'), 'Ã', 'Ý'), 'Ã', 'Þ'), 'Ã', 'ß'), 'Ã ', 'à'), 'Ã¡', 'á'), 'Ã¢', 'â'), 'Ã£', 'ã'), 'Ã¤', 'ä'), 'Ã¥', 'å'), 'Ã¦', 'æ'), 'Ã§', 'ç'), 'Ã¨', 'è'), 'Ã©', 'é'), 'Ãª', 'ê'), 'Ã«', 'ë'), 'Ã¬', 'ì'), 'Ã­', 'í'), 'Ã®', 'î'), 'Ã¯', 'ï'), 'Ã°', 'ð'), 'Ã±', 'ñ'), 'Ã²', 'ò'), 'Ã³', 'ó'), 'Ã´', 'ô'), 'Ãµ', 'õ'), 'Ã¶', 'ö'), 'Ã·', '÷'), 'Ã¸', 'ø'), 'Ã¹', 'ù'), 'Ãº', 'ú'), 'Ã»', 'û'), 'Ã¼', 'ü'), 'Ã½', 'ý'), 'Ã¾', 'þ'), 'Ã¿', 'ÿ'), 'â', '‐'), 'â', '‑'), 'â', '‒'), 'â', '–'), 'â', '—'), 'â', '―'), 'â', '‖'), 'â', '‗'), 'â', '‘'), 'â', '’'), 'â', '‚'), 'â', '‛'), 'â', '“'), 'â', '”'), 'â', '„'), 'â', '‟'), 'â ', '†'), 'â¡', '‡'), 'â¢', '•'), 'â£', '‣'), 'â¤', '․'), 'â¥', '‥'), 'â¦', '…'), 'â§', '‧'), 'â°', '‰'), 'â±', '‱'), 'â²', '′'), 'â³', '″'), 'â´', '‴'), 'âµ', '‵'), 'â¶', '‶'), 'â·', '‷'), 'â¸', '‸'), 'â¹', '‹'), 'âº', '›'), 'â»', '※'), 'â¼', '‼'), 'â½', '‽'), 'â¾', '‾'), 'â¬', '€'), 'â¢', '™'), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â', ''), 'Â ', ' '), 'Â¡', '¡'), 'Â¢', '¢'), 'Â£', '£'), 'Â¤', '¤'), 'Â¥', '¥'), 'Â¦', '¦'), 'Â§', '§'), 'Â¨', '¨'), 'Â©', '©'), 'Âª', 'ª'), 'Â«', '«'), 'Â¬', '¬'), 'Â­', '­'), 'Â®', '®'), 'Â¯', '¯'), 'Â°', '°'), 'Â±', '±'), 'Â²', '²'), 'Â³', '³'), 'Â´', '´'), 'Âµ', 'µ'), 'Â¶', '¶'), 'Â·', '·'), 'Â¸', '¸'), 'Â¹', '¹'), 'Âº', 'º'), 'Â»', '»'), 'Â¼', '¼'), 'Â½', '½'), 'Â¾', '¾'), 'Â¿', '¿'), 'Ã', 'À'), 'Ã', 'Á'), 'Ã', 'Â'), 'Ã', 'Ã'), 'Ã', 'Ä'), 'Ã', 'Å'), 'Ã', 'Æ'), 'Ã', 'Ç'), 'Ã', 'È'), 'Ã', 'É'), 'Ã', 'Ê'), 'Ã', 'Ë'), 'Ã', 'Ì'), 'Ã', 'Í'), 'Ã', 'Î'), 'Ã', 'Ï'), 'Ã', 'Ð'), 'Ã', 'Ñ'), 'Ã', 'Ò'), 'Ã', 'Ó'), 'Ã', 'Ô'), 'Ã', 'Õ'), 'Ã', 'Ö'), 'Ã', '×'), 'Ã', 'Ø'), 'Ã', 'Ù'), 'Ã', 'Ú'), 'Ã', 'Û'), 'Ã', 'Ü'), 'Ã', 'Ý'), 'Ã', 'Þ'), 'Ã', 'ß'), 'Ã ', 'à'), 'Ã¡', 'á'), 'Ã¢', 'â'), 'Ã£', 'ã'), 'Ã¤', 'ä'), 'Ã¥', 'å'), 'Ã¦', 'æ'), 'Ã§', 'ç'), 'Ã¨', 'è'), 'Ã©', 'é'), 'Ãª', 'ê'), 'Ã«', 'ë'), 'Ã¬', 'ì'), 'Ã­', 'í'), 'Ã®', 'î'), 'Ã¯', 'ï'), 'Ã°', 'ð'), 'Ã±', 'ñ'), 'Ã²', 'ò'), 'Ã³', 'ó'), 'Ã´', 'ô'), 'Ãµ', 'õ'), 'Ã¶', 'ö'), 'Ã·', '÷'), 'Ã¸', 'ø'), 'Ã¹', 'ù'), 'Ãº', 'ú'), 'Ã»', 'û'), 'Ã¼', 'ü'), 'Ã½', 'ý'), 'Ã¾', 'þ'), 'Ã¿', 'ÿ'), 'Ä', 'Ā'), 'Ä', 'ā'), 'Ä', 'Ă'), 'Ä', 'ă'), 'Ä', 'Ą'), 'Ä', 'ą'), 'Ä', 'Ć'), 'Ä', 'ć'), 'Ä', 'Ĉ'), 'Ä', 'ĉ'), 'Ä', 'Ċ'), 'Ä', 'ċ'), 'Ä', 'Č'), 'Ä', 'č'), 'Ä', 'Ď'), 'Ä', 'ď'), 'Ä', 'Đ'), 'Ä', 'đ'), 'Ä', 'Ē'), 'Ä', 'ē'), 'Ä', 'Ĕ'), 'Ä', 'ĕ'), 'Ä', 'Ė'), 'Ä', 'ė'), 'Ä', 'Ę'), 'Ä', 'ę'), 'Ä', 'Ě'), 'Ä', 'ě'), 'Ä', 'Ĝ'), 'Ä', 'ĝ'), 'Ä', 'Ğ'), 'Ä', 'ğ'), 'Ä ', 'Ġ'), 'Ä¡', 'ġ'), 'Ä¢', 'Ģ'), 'Ä£', 'ģ'), 'Ä¤', 'Ĥ'), 'Ä¥', 'ĥ'), 'Ä¦', 'Ħ'), 'Ä§', 'ħ'), 'Ä¨', 'Ĩ'), 'Ä©', 'ĩ'), 'Äª', 'Ī'), 'Ä«', 'ī'), 'Ä¬', 'Ĭ'), 'Ä­', 'ĭ'), 'Ä®', 'Į'), 'Ä¯', 'į'), 'Ä°', 'İ'), 'Ä±', 'ı'), 'Ä²', 'Ĳ'), 'Ä³', 'ĳ'), 'Ä´', 'Ĵ'), 'Äµ', 'ĵ'), 'Ä¶', 'Ķ'), 'Ä·', 'ķ'), 'Ä¸', 'ĸ'), 'Ä¹', 'Ĺ'), 'Äº', 'ĺ'), 'Ä»', 'Ļ'), 'Ä¼', 'ļ'), 'Ä½', 'Ľ'), 'Ä¾', 'ľ'), 'Ä¿', 'Ŀ'), 'Å', 'ŀ'), 'Å', 'Ł'), 'Å', 'ł'), 'Å', 'Ń'), 'Å', 'ń'), 'Å', 'Ņ'), 'Å', 'ņ'), 'Å', 'Ň'), 'Å', 'ň'), 'Å', 'ŉ'), 'Å', 'Ŋ'), 'Å', 'ŋ'), 'Å', 'Ō'), 'Å', 'ō'), 'Å', 'Ŏ'), 'Å', 'ŏ'), 'Å', 'Ő'), 'Å', 'ő'), 'Å', 'Œ'), 'Å', 'œ'), 'Å', 'Ŕ'), 'Å', 'ŕ'), 'Å', 'Ŗ'), 'Å', 'ŗ'), 'Å', 'Ř'), 'Å', 'ř'), 'Å', 'Ś'), 'Å', 'ś'), 'Å', 'Ŝ'), 'Å', 'ŝ'), 'Å', 'Ş'), 'Å', 'ş'), 'Å ', 'Š'), 'Å¡', 'š'), 'Å¢', 'Ţ'), 'Å£', 'ţ'), 'Å¤', 'Ť'), 'Å¥', 'ť'), 'Å¦', 'Ŧ'), 'Å§', 'ŧ'), 'Å¨', 'Ũ'), 'Å©', 'ũ'), 'Åª', 'Ū'), 'Å«', 'ū'), 'Å¬', 'Ŭ'), 'Å­', 'ŭ'), 'Å®', 'Ů'), 'Å¯', 'ů'), 'Å°', 'Ű'), 'Å±', 'ű'), 'Å²', 'Ų'), 'Å³', 'ų'), 'Å´', 'Ŵ'), 'Åµ', 'ŵ'), 'Å¶', 'Ŷ'), 'Å·', 'ŷ'), 'Å¸', 'Ÿ'), 'Å¹', 'Ź'), 'Åº', 'ź'), 'Å»', 'Ż'), 'Å¼', 'ż'), 'Å½', 'Ž'), 'Å¾', 'ž'), 'Å¿', 'ſ'), 'Í°', 'Ͱ'), 'Í±', 'ͱ'), 'Í²', 'Ͳ'), 'Í³', 'ͳ'), 'Í´', 'ʹ'), 'Íµ', '͵'), 'Í¶', 'Ͷ'), 'Í·', 'ͷ'), 'Í¸', '͸'), 'Í¹', '͹'), 'Íº', 'ͺ'), 'Í»', 'ͻ'), 'Í¼', 'ͼ'), 'Í½', 'ͽ'), 'Í¾', ';'), 'Í¿', 'Ϳ'), 'Î', '΀'), 'Î', '΁'), 'Î', '΂'), 'Î', '΃'), 'Î', '΄'), 'Î', '΅'), 'Î', 'Ά'), 'Î', '·'), 'Î', 'Έ'), 'Î', 'Ή'), 'Î', 'Ί'), 'Î', '΋'), 'Î', 'Ό'), 'Î', '΍'), 'Î', 'Ύ'), 'Î', 'Ώ'), 'Î', 'ΐ'), 'Î', 'Α'), 'Î', 'Β'), 'Î', 'Γ'), 'Î', 'Δ'), 'Î', 'Ε'), 'Î', 'Ζ'), 'Î', 'Η'), 'Î', 'Θ'), 'Î', 'Ι'), 'Î', 'Κ'), 'Î', 'Λ'), 'Î', 'Μ'), 'Î', 'Ν'), 'Î', 'Ξ'), 'Î', 'Ο'), 'Î ', 'Π'), 'Î¡', 'Ρ'), 'Î¢', '΢'), 'Î£', 'Σ'), 'Î¤', 'Τ'), 'Î¥', 'Υ'), 'Î¦', 'Φ'), 'Î§', 'Χ'), 'Î¨', 'Ψ'), 'Î©', 'Ω'), 'Îª', 'Ϊ'), 'Î«', 'Ϋ'), 'Î¬', 'ά'), 'Î­', 'έ'), 'Î®', 'ή'), 'Î¯', 'ί'), 'Î°', 'ΰ'), 'Î±', 'α'), 'Î²', 'β'), 'Î³', 'γ'), 'Î´', 'δ'), 'Îµ', 'ε'), 'Î¶', 'ζ'), 'Î·', 'η'), 'Î¸', 'θ'), 'Î¹', 'ι'), 'Îº', 'κ'), 'Î»', 'λ'), 'Î¼', 'μ'), 'Î½', 'ν'), 'Î¾', 'ξ'), 'Î¿', 'ο'), 'Ï', 'π'), 'Ï', 'ρ'), 'Ï', 'ς'), 'Ï', 'σ'), 'Ï', 'τ'), 'Ï', 'υ'), 'Ï', 'φ'), 'Ï', 'χ'), 'Ï', 'ψ'), 'Ï', 'ω'), 'Ï', 'ϊ'), 'Ï', 'ϋ'), 'Ï', 'ό'), 'Ï', 'ύ'), 'Ï', 'ώ'), 'Ï', 'Ϗ'), 'Ï', 'ϐ'), 'Ï', 'ϑ'), 'Ï', 'ϒ'), 'Ï', 'ϓ'), 'Ï', 'ϔ'), 'Ï', 'ϕ'), 'Ï', 'ϖ'), 'Ï', 'ϗ'), 'Ï', 'Ϙ'), 'Ï', 'ϙ'), 'Ï', 'Ϛ'), 'Ï', 'ϛ'), 'Ï', 'Ϝ'), 'Ï', 'ϝ'), 'Ï', 'Ϟ'), 'Ï', 'ϟ'), 'Ï ', 'Ϡ'), 'Ï¡', 'ϡ'), 'Ï¢', 'Ϣ'), 'Ï£', 'ϣ'), 'Ï¤', 'Ϥ'), 'Ï¥', 'ϥ'), 'Ï¦', 'Ϧ'), 'Ï§', 'ϧ'), 'Ï¨', 'Ϩ'), 'Ï©', 'ϩ'), 'Ïª', 'Ϫ'), 'Ï«', 'ϫ'), 'Ï¬', 'Ϭ'), 'Ï­', 'ϭ'), 'Ï®', 'Ϯ'), 'Ï¯', 'ϯ'), 'Ï°', 'ϰ'), 'Ï±', 'ϱ'), 'Ï²', 'ϲ'), 'Ï³', 'ϳ'), 'Ï´', 'ϴ'), 'Ïµ', 'ϵ'), 'Ï¶', '϶'), 'Ï·', 'Ϸ'), 'Ï¸', 'ϸ'), 'Ï¹', 'Ϲ'), 'Ïº', 'Ϻ'), 'Ï»', 'ϻ'), 'Ï¼', 'ϼ'), 'Ï½', 'Ͻ'), 'Ï¾', 'Ͼ'), 'Ï¿', 'Ͽ'), 'Ð', 'Ѐ'), 'Ð', 'Ё'), 'Ð', 'Ђ'), 'Ð', 'Ѓ'), 'Ð', 'Є'), 'Ð', 'Ѕ'), 'Ð', 'І'), 'Ð', 'Ї'), 'Ð', 'Ј'), 'Ð', 'Љ'), 'Ð', 'Њ'), 'Ð', 'Ћ'), 'Ð', 'Ќ'), 'Ð', 'Ѝ'), 'Ð', 'Ў'), 'Ð', 'Џ'), 'Ð', 'А'), 'Ð', 'Б'), 'Ð', 'В'), 'Ð', 'Г'), 'Ð', 'Д'), 'Ð', 'Е'), 'Ð', 'Ж'), 'Ð', 'З'), 'Ð', 'И'), 'Ð', 'Й'), 'Ð', 'К'), 'Ð', 'Л'), 'Ð', 'М'), 'Ð', 'Н'), 'Ð', 'О'), 'Ð', 'П'), 'Ð ', 'Р'), 'Ð¡', 'С'), 'Ð¢', 'Т'), 'Ð£', 'У'), 'Ð¤', 'Ф'), 'Ð¥', 'Х'), 'Ð¦', 'Ц'), 'Ð§', 'Ч'), 'Ð¨', 'Ш'), 'Ð©', 'Щ'), 'Ðª', 'Ъ'), 'Ð«', 'Ы'), 'Ð¬', 'Ь'), 'Ð­', 'Э'), 'Ð®', 'Ю'), 'Ð¯', 'Я'), 'Ð°', 'а'), 'Ð±', 'б'), 'Ð²', 'в'), 'Ð³', 'г'), 'Ð´', 'д'), 'Ðµ', 'е'), 'Ð¶', 'ж'), 'Ð·', 'з'), 'Ð¸', 'и'), 'Ð¹', 'й'), 'Ðº', 'к'), 'Ð»', 'л'), 'Ð¼', 'м'), 'Ð½', 'н'), 'Ð¾', 'о'), 'Ð¿', 'п'), 'Ñ', 'р'), 'Ñ', 'с'), 'Ñ', 'т'), 'Ñ', 'у'), 'Ñ', 'ф'), 'Ñ', 'х'), 'Ñ', 'ц'), 'Ñ', 'ч'), 'Ñ', 'ш'), 'Ñ', 'щ'), 'Ñ', 'ъ'), 'Ñ', 'ы'), 'Ñ', 'ь'), 'Ñ', 'э'), 'Ñ', 'ю'), 'Ñ', 'я'), 'Ñ', 'ѐ'), 'Ñ', 'ё'), 'Ñ', 'ђ'), 'Ñ', 'ѓ'), 'Ñ', 'є'), 'Ñ', 'ѕ'), 'Ñ', 'і'), 'Ñ', 'ї'), 'Ñ', 'ј'), 'Ñ', 'љ'), 'Ñ', 'њ'), 'Ñ', 'ћ'), 'Ñ', 'ќ'), 'Ñ', 'ѝ'), 'Ñ', 'ў'), 'Ñ', 'џ'), 'Ñ ', 'Ѡ'), 'Ñ¡', 'ѡ'), 'Ñ¢', 'Ѣ'), 'Ñ£', 'ѣ'), 'Ñ¤', 'Ѥ'), 'Ñ¥', 'ѥ'), 'Ñ¦', 'Ѧ'), 'Ñ§', 'ѧ'), 'Ñ¨', 'Ѩ'), 'Ñ©', 'ѩ'), 'Ñª', 'Ѫ'), 'Ñ«', 'ѫ'), 'Ñ¬', 'Ѭ'), 'Ñ­', 'ѭ'), 'Ñ®', 'Ѯ'), 'Ñ¯', 'ѯ'), 'Ñ°', 'Ѱ'), 'Ñ±', 'ѱ'), 'Ñ²', 'Ѳ'), 'Ñ³', 'ѳ'), 'Ñ´', 'Ѵ'), 'Ñµ', 'ѵ'), 'Ñ¶', 'Ѷ'), 'Ñ·', 'ѷ'), 'Ñ¸', 'Ѹ'), 'Ñ¹', 'ѹ'), 'Ñº', 'Ѻ'), 'Ñ»', 'ѻ'), 'Ñ¼', 'Ѽ'), 'Ñ½', 'ѽ'), 'Ñ¾', 'Ѿ'), 'Ñ¿', 'ѿ'), 'Ò', 'Ҁ'), 'Ò', 'ҁ'), 'Ò', '҂'), 'Ò', '҃'), 'Ò', '҄'), 'Ò', '҅'), 'Ò', '҆'), 'Ò', '҇'), 'Ò', '҈'), 'Ò', '҉'), 'Ò', 'Ҋ'), 'Ò', 'ҋ'), 'Ò', 'Ҍ'), 'Ò', 'ҍ'), 'Ò', 'Ҏ'), 'Ò', 'ҏ'), 'Ò', 'Ґ'), 'Ò', 'ґ'), 'Ò', 'Ғ'), 'Ò', 'ғ'), 'Ò', 'Ҕ'), 'Ò', 'ҕ'), 'Ò', 'Җ'), 'Ò', 'җ'), 'Ò', 'Ҙ'), 'Ò', 'ҙ'), 'Ò', 'Қ'), 'Ò', 'қ'), 'Ò', 'Ҝ'), 'Ò', 'ҝ'), 'Ò', 'Ҟ'), 'Ò', 'ҟ'), 'Ò ', 'Ҡ'), 'Ò¡', 'ҡ'), 'Ò¢', 'Ң'), 'Ò£', 'ң'), 'Ò¤', 'Ҥ'), 'Ò¥', 'ҥ'), 'Ò¦', 'Ҧ'), 'Ò§', 'ҧ'), 'Ò¨', 'Ҩ'), 'Ò©', 'ҩ'), 'Òª', 'Ҫ'), 'Ò«', 'ҫ'), 'Ò¬', 'Ҭ'), 'Ò­', 'ҭ'), 'Ò®', 'Ү'), 'Ò¯', 'ү'), 'Ò°', 'Ұ'), 'Ò±', 'ұ'), 'Ò²', 'Ҳ'), 'Ò³', 'ҳ'), 'Ò´', 'Ҵ'), 'Òµ', 'ҵ'), 'Ò¶', 'Ҷ'), 'Ò·', 'ҷ'), 'Ò¸', 'Ҹ'), 'Ò¹', 'ҹ'), 'Òº', 'Һ'), 'Ò»', 'һ'), 'Ò¼', 'Ҽ'), 'Ò½', 'ҽ'), 'Ò¾', 'Ҿ'), 'Ò¿', 'ҿ'), 'Ó', 'Ӏ'), 'Ó', 'Ӂ'), 'Ó', 'ӂ'), 'Ó', 'Ӄ'), 'Ó', 'ӄ'), 'Ó', 'Ӆ'), 'Ó', 'ӆ'), 'Ó', 'Ӈ'), 'Ó', 'ӈ'), 'Ó', 'Ӊ'), 'Ó', 'ӊ'), 'Ó', 'Ӌ'), 'Ó', 'ӌ'), 'Ó', 'Ӎ'), 'Ó', 'ӎ'), 'Ó', 'ӏ'), 'Ó', 'Ӑ'), 'Ó', 'ӑ'), 'Ó', 'Ӓ'), 'Ó', 'ӓ'), 'Ó', 'Ӕ'), 'Ó', 'ӕ'), 'Ó', 'Ӗ'), 'Ó', 'ӗ'), 'Ó', 'Ә'), 'Ó', 'ә'), 'Ó', 'Ӛ'), 'Ó', 'ӛ'), 'Ó', 'Ӝ'), 'Ó', 'ӝ'), 'Ó', 'Ӟ'), 'Ó', 'ӟ'), 'Ó ', 'Ӡ'), 'Ó¡', 'ӡ'), 'Ó¢', 'Ӣ'), 'Ó£', 'ӣ'), 'Ó¤', 'Ӥ'), 'Ó¥', 'ӥ'), 'Ó¦', 'Ӧ'), 'Ó§', 'ӧ'), 'Ó¨', 'Ө'), 'Ó©', 'ө'), 'Óª', 'Ӫ'), 'Ó«', 'ӫ'), 'Ó¬', 'Ӭ'), 'Ó­', 'ӭ'), 'Ó®', 'Ӯ'), 'Ó¯', 'ӯ'), 'Ó°', 'Ӱ'), 'Ó±', 'ӱ'), 'Ó²', 'Ӳ'), 'Ó³', 'ӳ'), 'Ó´', 'Ӵ'), 'Óµ', 'ӵ'), 'Ó¶', 'Ӷ'), 'Ó·', 'ӷ'), 'Ó¸', 'Ӹ'), 'Ó¹', 'ӹ'), 'Óº', 'Ӻ'), 'Ó»', 'ӻ'), 'Ó¼', 'Ӽ'), 'Ó½', 'ӽ'), 'Ó¾', 'Ӿ'), 'Ó¿', 'ӿ')
    END
$$ LANGUAGE sql;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'users'
ORDER BY ordinal_position;

LOCK "users";

CREATE TEMP TABLE users_affected AS
SELECT user_id, TRUE AS from_every_day
FROM users
WHERE last_event_at >= '2018-11-01T00:00:00'::timestamp AND last_event_at < '2018-12-01T00:00:00'::timestamp
UNION ALL
SELECT seen.user_id, FALSE AS from_every_day
FROM (
    SELECT user_id
    FROM staging_events
    WHERE user_id IS NOT NULL AND ts >= 1541030400000 AND ts < 1543622400000
    GROUP BY user_id
) AS seen
LEFT JOIN users AS u ON u.user_id = seen.user_id
WHERE u.user_id IS NULL OR u.last_event_at IS NULL OR u.last_event_at < '2018-11-01T00:00:00'::timestamp;

ANALYZE "users_affected";

DELETE FROM users WHERE user_id IN (SELECT user_id FROM users_affected);

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
        WHERE e.ts >= 1541030400000 AND e.ts < 1543622400000
        UNION ALL
        SELECT e.user_id, e.ts, e.first_name, e.last_name, e.gender, e.level,
               e.item_in_session, e.session_id
        FROM staging_events AS e
        JOIN users_affected AS a ON a.user_id = e.user_id AND a.from_every_day
    ) AS events_of_affected
) AS events_by_recency
WHERE recency = 1;

SELECT COUNT(*) FROM "users";

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'users'
ORDER BY ordinal_position;

ANALYZE "users";

COMMIT;

-- step: users_primary_key

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    COUNT(*)                                                           AS row_count,
    COUNT(*) - COUNT("user_id")                                            AS null_keys,
    COUNT("user_id") - COUNT(DISTINCT RTRIM(CAST("user_id" AS VARCHAR(64))))   AS duplicate_keys
FROM "users";

COMMIT;
