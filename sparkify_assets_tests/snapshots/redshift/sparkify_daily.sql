-- step: artists

-- 12 as in sparkify_etl.sql

-- step: artists_primary_key

-- 4 as in sparkify_etl.sql

-- step: daily_active_users

-- 17 as in sparkify_etl.sql

-- step: daily_active_users_counts_every_play

-- 4 as in sparkify_etl.sql

-- step: daily_active_users_primary_key

-- 4 as in sparkify_etl.sql

-- step: most_active_users

-- 17 as in sparkify_etl.sql

-- step: most_active_users_primary_key

-- 4 as in sparkify_etl.sql

-- step: plays_by_hour

-- 17 as in sparkify_etl.sql

-- step: plays_by_hour_counts_every_play

-- 4 as in sparkify_etl.sql

-- step: plays_by_hour_primary_key

-- 4 as in sparkify_etl.sql

-- step: plays_by_level

-- 16 as in sparkify_etl.sql

-- step: plays_by_level_primary_key

-- 4 as in sparkify_etl.sql

-- step: plays_by_weekday

-- 17 as in sparkify_etl.sql

-- step: plays_by_weekday_counts_every_play

-- 4 as in sparkify_etl.sql

-- step: plays_by_weekday_primary_key

-- 4 as in sparkify_etl.sql

-- step: song_match_share

-- 16 as in sparkify_etl.sql

-- step: song_match_share_counts_every_play

-- 4 as in sparkify_etl.sql

-- step: song_match_share_primary_key

-- 4 as in sparkify_etl.sql

-- step: songplays

-- 10 as in sparkify_etl.sql

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
      AND ts >= 1541376000000 AND ts < 1541462400000
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

-- 3 as in sparkify_etl.sql

DELETE FROM "songplays" WHERE "start_time" >= '2018-11-05T00:00:00'::timestamp AND "start_time" < '2018-11-06T00:00:00'::timestamp;

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
WHERE tbl_name = 'songplays' AND day BETWEEN '2018-11-05'::date AND '2018-11-05'::date;

INSERT INTO day_rows (tbl_name, day, row_count)
SELECT 'songplays', CAST("start_time" AS DATE), COUNT(*)
FROM "songplays"
WHERE "start_time" >= '2018-11-05T00:00:00'::timestamp AND "start_time" < '2018-11-06T00:00:00'::timestamp
GROUP BY CAST("start_time" AS DATE);

SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT)
FROM day_rows
WHERE tbl_name = 'songplays';

SELECT day, row_count
FROM day_rows
WHERE tbl_name = 'songplays' AND day BETWEEN '2018-11-05'::date AND '2018-11-05'::date;

SELECT CAST(start_time AS DATE) AS day,
       COUNT(*) AS plays,
       COUNT(DISTINCT user_id) AS active_users,
       CAST(COUNT(song_id) AS FLOAT8) / COUNT(*) AS matched_share
FROM songplays
WHERE start_time >= '2018-11-05T00:00:00'::timestamp AND start_time < '2018-11-06T00:00:00'::timestamp
GROUP BY CAST(start_time AS DATE);

-- 3 as in sparkify_etl.sql

-- step: songplays_artist_id_in_artists

-- 4 as in sparkify_etl.sql

-- step: songplays_damaged_text

-- 4 as in sparkify_etl.sql

-- step: songplays_one_row_per_play

-- connection 1: a transaction begins

SET search_path TO "public";

SELECT
    (
        SELECT COUNT(*) FROM songplays
        WHERE start_time >= '2018-11-05T00:00:00'::timestamp AND start_time < '2018-11-06T00:00:00'::timestamp
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
              AND ts >= 1541376000000 AND ts < 1541462400000
        ) AS plays
    ) AS plays,
    (
        SELECT COUNT(*)
        FROM staging_events
        WHERE page = 'NextSong'
          AND user_id IS NOT NULL
          AND (session_id IS NULL OR item_in_session IS NULL)
          AND ts >= 1541376000000 AND ts < 1541462400000
    ) AS unplaceable_events;

COMMIT;

-- step: songplays_primary_key

-- 4 as in sparkify_etl.sql

-- step: songplays_song_id_in_songs

-- 4 as in sparkify_etl.sql

-- step: songplays_song_match_share

-- 4 as in sparkify_etl.sql

-- step: songplays_user_id_in_users

-- 4 as in sparkify_etl.sql

-- step: songs

-- 12 as in sparkify_etl.sql

-- step: songs_artist_id_in_artists

-- 4 as in sparkify_etl.sql

-- step: songs_primary_key

-- 4 as in sparkify_etl.sql

-- step: staging_events

-- 10 as in sparkify_etl.sql

DELETE FROM "staging_events" WHERE "ts" >= 1541376000000 AND "ts" < 1541462400000;

CREATE TEMP TABLE "staging_events_incoming" (LIKE "staging_events");

SELECT pg_backend_pid();

COPY "staging_events_incoming"
FROM 's3://udacity-dend/log_data/2018/11/2018-11-05-events.json'
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

SELECT COUNT(*) FROM "staging_events_incoming"
WHERE "ts" IS NULL OR "ts" < 1541376000000 OR "ts" >= 1541462400000;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'load_errors'
ORDER BY ordinal_position;

INSERT INTO load_errors (
    load_id, starttime, tbl_name, filename, line_number, colname, type,
    raw_line, raw_field_value, err_code, err_reason
)
SELECT
    '00000000000040008000000000000001', '2018-11-30T12:00:00'::timestamp, 'staging_events', 's3://udacity-dend/log_data/2018/11/2018-11-05-events.json', 0, 'ts', 'day',
    NULL, CAST("ts" AS VARCHAR(64)), 9001,
    CASE
        WHEN "ts" IS NULL THEN 'no ' || 'ts' || ', so the record belongs to no day'
        ELSE 'ts' || ' is outside the days loaded (' || '2018-11-05' || ')'
    END
FROM "staging_events_incoming"
WHERE "ts" IS NULL OR "ts" < 1541376000000 OR "ts" >= 1541462400000;

INSERT INTO "staging_events"
SELECT * FROM "staging_events_incoming" WHERE "ts" >= 1541376000000 AND "ts" < 1541462400000;

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
    '00000000000040008000000000000001', 'staging_events', 's3://udacity-dend/log_data/2018/11/2018-11-05-events.json', 'committed', '2018-11-30T12:00:00'::timestamp, '2018-11-30T12:00:00'::timestamp,
    3, 100, 98, 2, 0,
    '2018-11-05'::date, '2018-11-05'::date
);

ANALYZE "staging_events";

DELETE FROM day_rows
WHERE tbl_name = 'staging_events' AND day BETWEEN '2018-11-05'::date AND '2018-11-05'::date;

INSERT INTO day_rows (tbl_name, day, row_count)
SELECT 'staging_events', CAST(TIMESTAMP 'epoch' + "ts" * INTERVAL '1 millisecond' AS DATE), COUNT(*)
FROM "staging_events"
WHERE "ts" >= 1541376000000 AND "ts" < 1541462400000
GROUP BY CAST(TIMESTAMP 'epoch' + "ts" * INTERVAL '1 millisecond' AS DATE);

SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT)
FROM day_rows
WHERE tbl_name = 'staging_events';

SELECT day, row_count
FROM day_rows
WHERE tbl_name = 'staging_events' AND day BETWEEN '2018-11-05'::date AND '2018-11-05'::date;

-- 3 as in sparkify_etl.sql

-- step: staging_events_load_reconciles

-- 6 as in sparkify_etl.sql

-- step: staging_events_new_json_keys

-- 5 as in sparkify_etl.sql

-- step: staging_songs

-- 21 as in sparkify_etl.sql

-- step: staging_songs_load_reconciles

-- 6 as in sparkify_etl.sql

-- step: staging_songs_new_json_keys

-- 5 as in sparkify_etl.sql

-- step: time

-- 6 as in sparkify_etl.sql

DELETE FROM "time" WHERE "start_time" >= '2018-11-05T00:00:00'::timestamp AND "start_time" < '2018-11-06T00:00:00'::timestamp;

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
    WHERE start_time >= '2018-11-05T00:00:00'::timestamp AND start_time < '2018-11-06T00:00:00'::timestamp
) AS play_starts
ORDER BY start_time;

DELETE FROM day_rows
WHERE tbl_name = 'time' AND day BETWEEN '2018-11-05'::date AND '2018-11-05'::date;

INSERT INTO day_rows (tbl_name, day, row_count)
SELECT 'time', CAST("start_time" AS DATE), COUNT(*)
FROM "time"
WHERE "start_time" >= '2018-11-05T00:00:00'::timestamp AND "start_time" < '2018-11-06T00:00:00'::timestamp
GROUP BY CAST("start_time" AS DATE);

SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT)
FROM day_rows
WHERE tbl_name = 'time';

SELECT day, row_count
FROM day_rows
WHERE tbl_name = 'time' AND day BETWEEN '2018-11-05'::date AND '2018-11-05'::date;

-- 3 as in sparkify_etl.sql

-- step: time_has_every_songplays_start_time

-- 4 as in sparkify_etl.sql

-- step: time_primary_key

-- 4 as in sparkify_etl.sql

-- step: top_artists

-- 17 as in sparkify_etl.sql

-- step: top_artists_primary_key

-- 4 as in sparkify_etl.sql

-- step: top_songs

-- 18 as in sparkify_etl.sql

-- step: top_songs_primary_key

-- 4 as in sparkify_etl.sql

-- step: users

-- 9 as in sparkify_etl.sql

CREATE TEMP TABLE users_affected AS
SELECT user_id, TRUE AS from_every_day
FROM users
WHERE last_event_at >= '2018-11-05T00:00:00'::timestamp AND last_event_at < '2018-11-06T00:00:00'::timestamp
UNION ALL
SELECT seen.user_id, FALSE AS from_every_day
FROM (
    SELECT user_id
    FROM staging_events
    WHERE user_id IS NOT NULL AND ts >= 1541376000000 AND ts < 1541462400000
    GROUP BY user_id
) AS seen
LEFT JOIN users AS u ON u.user_id = seen.user_id
WHERE u.user_id IS NULL OR u.last_event_at IS NULL OR u.last_event_at < '2018-11-05T00:00:00'::timestamp;

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
        WHERE e.ts >= 1541376000000 AND e.ts < 1541462400000
        UNION ALL
        SELECT e.user_id, e.ts, e.first_name, e.last_name, e.gender, e.level,
               e.item_in_session, e.session_id
        FROM staging_events AS e
        JOIN users_affected AS a ON a.user_id = e.user_id AND a.from_every_day
    ) AS events_of_affected
) AS events_by_recency
WHERE recency = 1;

-- 4 as in sparkify_etl.sql

-- step: users_primary_key

-- 4 as in sparkify_etl.sql
