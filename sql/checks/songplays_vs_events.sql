-- For the days checked: songplays must hold exactly one row per distinct play, a NextSong event
-- with a user, a session, an item in session and a time (the same rule as
-- star/songplays.insert.sql). NextSong events with a user that lack a session or an item in
-- session can't be placed; they are counted, not hidden.
SELECT
    (
        SELECT COUNT(*) FROM songplays
        WHERE start_time >= %(low)s AND start_time < %(high)s
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
              AND ts >= %(low_ms)s AND ts < %(high_ms)s
        ) AS plays
    ) AS plays,
    (
        SELECT COUNT(*)
        FROM staging_events
        WHERE page = 'NextSong'
          AND user_id IS NOT NULL
          AND (session_id IS NULL OR item_in_session IS NULL)
          AND ts >= %(low_ms)s AND ts < %(high_ms)s
    ) AS unplaceable_events
