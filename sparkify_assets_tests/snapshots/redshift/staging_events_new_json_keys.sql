-- connection 4: a transaction begins

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
    WHERE tbl_name = 'staging_events' AND status = 'committed'
    ORDER BY finished_at DESC
    LIMIT 1
) AS h
LEFT JOIN load_errors AS e ON e.load_id = h.load_id
GROUP BY h.load_id, h.records_read, h.rows_loaded, h.rejected, h.first_day, h.last_day;

-- The unmapped JSON keys of one load of a staging table (load_unmapped_keys), each with whether
-- an earlier load of the same table saw it too: a key no earlier load saw is new. The most
-- frequent first.
-- Redshift: LEFT JOIN of a derived table, https://docs.aws.amazon.com/redshift/latest/dg/r_FROM_clause30.html;
-- SELECT DISTINCT, https://docs.aws.amazon.com/redshift/latest/dg/r_SELECT_list.html;
-- ORDER BY, https://docs.aws.amazon.com/redshift/latest/dg/r_ORDER_BY_clause.html.
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
