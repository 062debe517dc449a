-- step: staging_events

-- 13 as in sparkify_etl.sql

ROLLBACK;

SET search_path TO "public";

SELECT query_id, status, loaded_rows, source_file_count, error_count
FROM sys_load_history
WHERE session_id = 1073
ORDER BY start_time DESC
LIMIT 1;

SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = 'public' AND table_name = 'day_rows';

CREATE TABLE IF NOT EXISTS load_history (
    load_id      VARCHAR(64)   NOT NULL PRIMARY KEY,
    tbl_name     VARCHAR(128)  NOT NULL,
    source       VARCHAR(1024) NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    started_at   TIMESTAMP     NOT NULL,
    finished_at  TIMESTAMP     NOT NULL,
    files        INTEGER       NOT NULL,
    records_read BIGINT        NOT NULL,
    rows_loaded  BIGINT        NOT NULL,
    rejected     BIGINT        NOT NULL,
    maxerror     INTEGER       NOT NULL,
    first_day    DATE,
    last_day     DATE
)
DISTSTYLE AUTO;

CREATE TABLE IF NOT EXISTS load_errors (
    load_id         VARCHAR(64)   NOT NULL,
    starttime       TIMESTAMP     NOT NULL,
    tbl_name        VARCHAR(128)  NOT NULL,
    filename        VARCHAR(4096) NOT NULL,
    line_number     BIGINT        NOT NULL,
    colname         VARCHAR(128),
    type            VARCHAR(32),
    raw_line        VARCHAR(1024),
    raw_field_value VARCHAR(1024),
    err_code        INTEGER       NOT NULL,
    err_reason      VARCHAR(512)  NOT NULL
)
DISTSTYLE AUTO;

CREATE TABLE IF NOT EXISTS load_unmapped_keys (
    load_id      VARCHAR(64)   NOT NULL,
    tbl_name     VARCHAR(128)  NOT NULL,
    json_key     VARCHAR(512)  NOT NULL,
    records      BIGINT        NOT NULL,
    example_file VARCHAR(4096) NOT NULL,
    example_line BIGINT        NOT NULL
)
DISTSTYLE AUTO;

CREATE TABLE IF NOT EXISTS day_rows (
    tbl_name  VARCHAR(128) NOT NULL,
    day       DATE         NOT NULL,
    row_count BIGINT       NOT NULL
)
DISTSTYLE AUTO;

SELECT column_name, data_type, character_maximum_length, is_nullable
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'load_history'
ORDER BY ordinal_position;

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
    '00000000000040008000000000000001', 'staging_events', 's3://udacity-dend/log_data/', 'failed', '2018-11-30T12:00:00'::timestamp, '2018-11-30T12:00:00'::timestamp,
    3, 3, 0, 3, 0,
    '2018-11-01'::date, '2018-11-30'::date
);

SELECT filename, line_number, err_code, err_reason, raw_line, colname, type, raw_field_value
FROM load_errors
WHERE load_id = '00000000000040008000000000000001'
ORDER BY filename, line_number
LIMIT 20;

COMMIT;
