-- A COPY's rejected records, from SYS_LOAD_ERROR_DETAIL (provisioned and Serverless alike:
-- https://docs.aws.amazon.com/redshift/latest/dg/SYS_LOAD_ERROR_DETAIL.html) into load_errors,
-- which has the same shape on both targets, so the same checks read it. Its CHAR columns are
-- trimmed. The view has no raw line or raw value: those two stay NULL here; file and line
-- say where to look.
INSERT INTO load_errors (
    load_id, starttime, tbl_name, filename, line_number, colname, type,
    raw_line, raw_field_value, err_code, err_reason
)
SELECT
    %(load_id)s, %(starttime)s, %(tbl_name)s, TRIM(file_name), line_number, TRIM(column_name),
    TRIM(column_type), NULL, NULL, error_code, TRIM(error_message)
FROM sys_load_error_detail
WHERE query_id = %(query_id)s
