-- step: (outside a run)

-- 12 as in sparkify_etl.sql

COPY "staging_events"
FROM 's3://sparkify-work/m/staging_events/00000000000040008000000000000001.manifest'
IAM_ROLE 'arn:aws:iam::123456789012:role/sparkify-redshift-s3-read'
FORMAT AS JSON 's3://udacity-dend/log_json_path.json'
REGION 'us-west-2'
MAXERROR 0
COMPUPDATE OFF
STATUPDATE OFF
MANIFEST;

SELECT query_id, status, loaded_rows, source_file_count, error_count
FROM sys_load_history
WHERE session_id = 1073
ORDER BY start_time DESC
LIMIT 1;

SELECT DISTINCT TRIM(file_name) AS file_name
FROM sys_load_detail
WHERE query_id = 4242
ORDER BY 1
LIMIT 10000;

INSERT INTO load_errors (
    load_id, starttime, tbl_name, filename, line_number, colname, type,
    raw_line, raw_field_value, err_code, err_reason
)
SELECT
    '00000000000040008000000000000001', '2018-11-30T12:00:00'::timestamp, 'staging_events', TRIM(file_name), line_number, TRIM(column_name),
    TRIM(column_type), NULL, NULL, error_code, TRIM(error_message)
FROM sys_load_error_detail
WHERE query_id = 4242;

INSERT INTO load_history (
    load_id, tbl_name, source, status, started_at, finished_at,
    files, records_read, rows_loaded, rejected, maxerror, first_day, last_day
) VALUES (
    '00000000000040008000000000000001', 'staging_events', 's3://sparkify-work/m/staging_events/00000000000040008000000000000001.manifest', 'committed', '2018-11-30T12:00:00'::timestamp, '2018-11-30T12:00:00'::timestamp,
    3, 100, 100, 0, 0,
    NULL, NULL
);

ANALYZE "staging_events";

DELETE FROM day_rows
WHERE tbl_name = 'staging_events' AND day BETWEEN '1900-01-01'::date AND '9999-12-30'::date;

INSERT INTO day_rows (tbl_name, day, row_count)
SELECT 'staging_events', CAST(TIMESTAMP 'epoch' + "ts" * INTERVAL '1 millisecond' AS DATE), COUNT(*)
FROM "staging_events"
WHERE "ts" >=  -2208988800000 AND "ts" < 253402214400000
GROUP BY CAST(TIMESTAMP 'epoch' + "ts" * INTERVAL '1 millisecond' AS DATE);

SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT)
FROM day_rows
WHERE tbl_name = 'staging_events';

SELECT day, row_count
FROM day_rows
WHERE tbl_name = 'staging_events' AND day BETWEEN '1900-01-01'::date AND '9999-12-30'::date;

-- 3 as in sparkify_etl.sql
