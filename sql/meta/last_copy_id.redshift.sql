-- The query id of the one COPY this session ran. pg_last_copy_id() names it, but not always
-- after the COPY failed and its transaction was rolled back; the session's own rows in
-- stl_load_errors do then. -1 when neither knows of a COPY.
SELECT COALESCE(
    NULLIF(pg_last_copy_id(), -1),
    (SELECT MAX(query) FROM stl_load_errors WHERE session = pg_backend_pid()),
    -1
)
