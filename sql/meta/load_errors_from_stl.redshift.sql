-- A COPY's rejected records, from Redshift's stl_load_errors into load_errors, which has the
-- same shape on both targets (its CHAR columns are trimmed), so the same checks read it.
INSERT INTO load_errors (
    load_id, starttime, tbl_name, filename, line_number, colname, type,
    raw_line, raw_field_value, err_code, err_reason
)
SELECT
    %(load_id)s, %(starttime)s, %(tbl_name)s, TRIM(filename), line_number, TRIM(colname),
    TRIM(type), TRIM(raw_line), TRIM(raw_field_value), err_code, TRIM(err_reason)
FROM stl_load_errors
WHERE query = %(query_id)s
