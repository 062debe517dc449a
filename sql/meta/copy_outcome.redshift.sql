-- What the COPY did, from SYS_LOAD_HISTORY, which provisioned clusters and Serverless both have
-- (the STL views do not exist on Serverless:
-- https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-monitoring.html). Each row is one
-- COPY, running or finished, with status running, completed or aborted
-- (https://docs.aws.amazon.com/redshift/latest/dg/SYS_LOAD_HISTORY.html). A load's connection
-- runs one COPY, so the session's latest is the load's.
SELECT query_id, status, loaded_rows, source_file_count, error_count
FROM sys_load_history
WHERE session_id = %(session_id)s
ORDER BY start_time DESC
LIMIT 1
