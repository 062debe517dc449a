-- What a COPY did: the rows it loaded (this session's last COPY), the files it read and the
-- records it rejected (Redshift logs each in stl_load_errors).
SELECT
    pg_last_copy_count() AS rows_loaded,
    (SELECT COUNT(DISTINCT filename) FROM stl_load_commits WHERE query = %(query_id)s) AS files,
    (SELECT COUNT(*) FROM stl_load_errors WHERE query = %(query_id)s) AS rejected
