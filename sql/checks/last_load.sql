-- The latest committed load of a staging table and the load errors recorded for it.
SELECT
    h.load_id,
    h.records_read,
    h.rows_loaded,
    h.rejected,
    (SELECT COUNT(*) FROM load_errors AS e WHERE e.load_id = h.load_id) AS errors_recorded
FROM load_history AS h
WHERE h.tbl_name = %(tbl_name)s AND h.status = 'committed'
ORDER BY h.finished_at DESC
LIMIT 1
