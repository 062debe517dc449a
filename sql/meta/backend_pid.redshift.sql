-- This session's process id, asked for on its own before the COPY: SYS_LOAD_HISTORY names the
-- COPY's session by it ("session_id: the process identifier of the process running the copy",
-- https://docs.aws.amazon.com/redshift/latest/dg/SYS_LOAD_HISTORY.html; PG_BACKEND_PID,
-- https://docs.aws.amazon.com/redshift/latest/dg/PG_BACKEND_PID.html).
SELECT pg_backend_pid()
