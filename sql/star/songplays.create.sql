CREATE TABLE IF NOT EXISTS songplays (
    songplay_id CHAR(32)     NOT NULL PRIMARY KEY, -- One play: MD5 of user, session and item in session, so a reload gives the same id. <- staging_events.user_id, staging_events.session_id, staging_events.item_in_session
    start_time  TIMESTAMP    NOT NULL,             -- When the play started, UTC. <- staging_events.ts
    user_id     INTEGER      NOT NULL,             -- Who played it. <- staging_events.user_id
    level       VARCHAR(16),                       -- free or paid, as the user was at that moment. <- staging_events.level
    song_id     VARCHAR(32),                       -- The catalogue's song with the same title, artist and length; NULL when none. <- staging_events.song, staging_events.artist, staging_events.length, staging_songs.title, staging_songs.artist_name, staging_songs.duration, staging_songs.song_id
    artist_id   VARCHAR(32),                       -- That song's artist; NULL when the song is unknown. <- staging_songs.artist_id
    session_id  INTEGER      NOT NULL,             -- The app session the play belongs to. <- staging_events.session_id
    location    VARCHAR(512),                      -- Where the user was ("City, ST"), text repaired to UTF-8. <- staging_events.location
    user_agent  VARCHAR(1024)                      -- The user's browser, without the logs' surrounding quotes. <- staging_events.user_agent
)
-- Its largest join is with time (one row per distinct start_time, as many rows as plays), and
-- analysts filter on time ranges: distributing and sorting both tables on start_time makes that
-- join local and a merge join, and lets range filters skip blocks. song_id would skew badly
-- (it is NULL for most plays); users, songs and artists are copied to every node instead.
-- redshift: DISTSTYLE KEY DISTKEY (start_time) SORTKEY (start_time)
