-- The session SYS_LOAD_HISTORY records for the latest COPY of the probe object ("session_id: the
-- process identifier of the process running the copy", "data_source: the Amazon S3 location of
-- the file input to copy": https://docs.aws.amazon.com/redshift/latest/dg/SYS_LOAD_HISTORY.html).
-- Found by the object's key, not by session, since the session is what is being checked.
SELECT session_id, TRIM(status), error_count
FROM sys_load_history
WHERE STRPOS(data_source, %(key)s) > 0
ORDER BY start_time DESC
LIMIT 1
