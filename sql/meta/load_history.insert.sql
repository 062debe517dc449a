INSERT INTO load_history (
    load_id, tbl_name, source, status, started_at, finished_at,
    files, records_read, rows_loaded, rejected, maxerror, first_day, last_day
) VALUES (
    %(load_id)s, %(tbl_name)s, %(source)s, %(status)s, %(started_at)s, %(finished_at)s,
    %(files)s, %(records_read)s, %(rows_loaded)s, %(rejected)s, %(maxerror)s,
    %(first_day)s, %(last_day)s
)
