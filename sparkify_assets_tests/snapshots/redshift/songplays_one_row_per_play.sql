-- connection 17: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

-- For the days checked: songplays must hold exactly one row per distinct play, a NextSong event
-- with a user, a session, an item in session and a time (the same rule as
-- star/songplays.insert.sql). NextSong events with a user that lack a session or an item in
-- session can't be placed; they are counted, not hidden.
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
