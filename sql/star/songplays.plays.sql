-- The plays of the days being built (ts from low_ms, before high_ms): one row per NextSong
-- event with a user; the same event staged twice (same user, session and item in session) is
-- one play, its first copy by every column. Text is compared without its trailing blanks, as
-- Redshift compares VARCHAR ("trailing spaces … are treated as semantically insignificant",
-- https://docs.aws.amazon.com/redshift/latest/dg/r_Character_types.html), so that PostgreSQL
-- and Redshift match and keep the same plays: every text read from staging is RTRIMmed first.
--
-- A temporary table, analyzed before songplays.insert.sql reads it: planned as one statement,
-- PostgreSQL guessed the copy_number = 1 filter kept one row in 200 (it keeps nearly all),
-- and sorted every play on disk for merge joins meant for a few thousand rows.
-- A temporary table lasts as long as the session (on Redshift too: CREATE TABLE AS … TEMP,
-- https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_AS.html), and every build has
-- a connection of its own.
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
    WHERE page = 'NextSong'  -- a play: the same rule as checks/songplays_vs_events.sql
      AND user_id IS NOT NULL
      AND session_id IS NOT NULL
      AND item_in_session IS NOT NULL
      AND ts >= %(low_ms)s AND ts < %(high_ms)s
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
WHERE copy_number = 1
