-- This session's process id (https://docs.aws.amazon.com/redshift/latest/dg/PG_BACKEND_PID.html).
SELECT pg_backend_pid()
