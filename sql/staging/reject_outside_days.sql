-- Loaded rows that belong to no day being loaded (their day is another load's, or they have
-- none) are not kept: that would make reloading their own day duplicate them. They are
-- recorded as rejected, so the totals still reconcile. Sparkify's own error code: 9001.
INSERT INTO load_errors (
    load_id, starttime, tbl_name, filename, line_number, colname, type,
    raw_line, raw_field_value, err_code, err_reason
)
SELECT
    %(load_id)s, %(starttime)s, %(tbl_name)s, %(filename)s, 0, %(colname)s, 'day',
    NULL, CAST({column} AS VARCHAR(64)), 9001,
    CASE
        WHEN {column} IS NULL THEN 'no ' || %(colname)s || ', so the record belongs to no day'
        ELSE %(colname)s || ' is outside the days loaded (' || %(days)s || ')'
    END
FROM {loaded}
WHERE {column} IS NULL OR {column} < %(low)s OR {column} >= %(high)s
