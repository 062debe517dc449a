-- The session SYS_LOAD_ERROR_DETAIL records for the latest rejected record of the probe object
-- ("session_id: the process identifier of the process running the copy", "file_name: the
-- complete path to the input file": https://docs.aws.amazon.com/redshift/latest/dg/SYS_LOAD_ERROR_DETAIL.html).
SELECT session_id
FROM sys_load_error_detail
WHERE STRPOS(file_name, %(key)s) > 0
ORDER BY start_time DESC
LIMIT 1
