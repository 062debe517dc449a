-- Every record a load rejected, shaped like Redshift's STL_LOAD_ERRORS so that the same
-- queries and checks read it on both targets. A file-level problem (an empty file) has line 0.
-- Each column holds what can be written into it: filename a local key as long as a path
-- (PATH_MAX, 4096 bytes) or an S3 URI (a key is at most 1024 bytes); the rest what
-- SYS_LOAD_ERROR_DETAIL gives (column_name CHAR(127), column_type CHAR(10), error_message
-- CHAR(512)) and the local COPY writes (raw_line and raw_field_value are cut at 1024
-- characters). Anything longer is cut to fit, ending in an ellipsis, where the rows are written
-- (warehouse/session.fit_text), so a rejection is never lost to its width.
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
-- Small bookkeeping: Redshift chooses (ALL while small, EVEN if it grows).
-- redshift: DISTSTYLE AUTO
