-- One row per NextSong event with a user, of the days being built (ts from low_ms, before
-- high_ms). The same event staged twice (same user, session and item in session) is one play.
-- A play is matched to the song whose title, artist name and duration equal the event's,
-- compared after repairing the logs' double-encoded UTF-8; the smallest song_id wins when
-- several songs share that identity, so a play never fans out. Text is compared without its
-- trailing blanks, as Redshift compares VARCHAR ("trailing spaces … are treated as semantically
-- insignificant", https://docs.aws.amazon.com/redshift/latest/dg/r_Character_types.html), so
-- that PostgreSQL and Redshift match and keep the same plays: every text read from staging is
-- RTRIMmed first.
INSERT INTO songplays (
    songplay_id, start_time, user_id, level, song_id, artist_id, session_id, location, user_agent
)
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
),
plays AS (
    SELECT * FROM staged_plays WHERE copy_number = 1
),
-- Repairing text is most of this build's cost, and plays repeat the same songs, artists,
-- places and browsers: each distinct text is repaired once, then looked up.
repaired AS (
    SELECT damaged, f_repair_text(damaged) AS text
    FROM (
        SELECT song AS damaged FROM plays
        UNION SELECT artist FROM plays
        UNION SELECT location FROM plays
        UNION SELECT user_agent FROM plays
    ) AS texts
),
song_identities AS (
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
FROM plays AS p
LEFT JOIN repaired AS title ON title.damaged = p.song
LEFT JOIN repaired AS artist ON artist.damaged = p.artist
LEFT JOIN repaired AS place ON place.damaged = p.location
LEFT JOIN repaired AS browser ON browser.damaged = p.user_agent
LEFT JOIN song_identities AS i
    ON i.title = title.text AND i.artist_name = artist.text AND i.duration = p.length
LEFT JOIN song_artists AS a
    ON a.song_id = i.song_id
