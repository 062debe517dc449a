-- connection 33: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'songplays';

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'songs';

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'artists';

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE TABLE IF NOT EXISTS top_songs (
    rank        INTEGER      NOT NULL PRIMARY KEY, -- 1 for the song played most. <- songplays.song_id
    song_id     VARCHAR(32)  NOT NULL,             -- The song. <- songplays.song_id
    title       VARCHAR(512),                      -- Its title, as the catalogue spells it. <- songs.title
    artist_name VARCHAR(512),                      -- Its artist's name. <- artists.name
    plays       BIGINT       NOT NULL              -- Plays matched to the song. <- songplays.songplay_id
)
-- Every analytics table is a few rows: a copy on every node, so joins never move it.
DISTSTYLE ALL;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'top_songs'
ORDER BY ordinal_position;

-- Redshift's LOCK has no modes: it takes an exclusive lock until commit, so overlapping runs
-- wait instead of failing with a serializable isolation error; readers wait too.
LOCK "top_songs";

-- DELETE, not TRUNCATE: "TRUNCATE commits the transaction in which it is run"
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_TRUNCATE.html), so a rebuild would not be
-- atomic. Redshift "can automatically sort and perform a VACUUM DELETE operation on tables in
-- the background" (https://docs.aws.amazon.com/redshift/latest/dg/t_Reclaiming_storage_space202.html).
DELETE FROM "top_songs";

-- The 10 songs with the most plays, among plays matched to a song; ties: the smaller song_id.
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

-- Fresh planner statistics once a table's rows are replaced, so that the INSERTs and checks
-- that read it next choose their joins from its real size. (Not COPY's STATUPDATE: a daily load COPYs into
-- an incoming table, whose statistics nobody reads.)
ANALYZE "top_songs";

COMMIT;

-- connection 34: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

-- The last rows of a table in key order: all of a ranking, the latest days of a daily table.
SELECT * FROM (SELECT * FROM "top_songs" ORDER BY "rank" DESC LIMIT 40) AS latest ORDER BY "rank";

COMMIT;
