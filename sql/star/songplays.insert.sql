-- One row per play of the days being built (songplays.plays.sql), its texts repaired
-- (songplays.texts.sql). A play is matched to the song whose title, artist name and duration
-- equal the event's, compared after the repair; the smallest song_id wins when several songs
-- share that identity, so a play never fans out. Catalogue text is RTRIMmed as the plays' is.
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
    ON a.song_id = i.song_id
