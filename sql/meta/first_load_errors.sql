-- The first rejected records of one load, in file and line order: what a failure message shows.
SELECT filename, line_number, err_code, err_reason, raw_line, colname, type, raw_field_value
FROM load_errors
WHERE load_id = %(load_id)s
ORDER BY filename, line_number
LIMIT %(limit)s
