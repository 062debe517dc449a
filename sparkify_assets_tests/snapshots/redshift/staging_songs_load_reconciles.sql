-- connection 5: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

-- The latest committed load of a staging table, the load errors recorded for it, and the days
-- it covered (NULL: the whole table).
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
