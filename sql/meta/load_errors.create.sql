-- Every record a load rejected, shaped like Redshift's STL_LOAD_ERRORS so that the same
-- queries and checks read it on both targets. A file-level problem (an empty file) has line 0.
CREATE TABLE IF NOT EXISTS load_errors (
    load_id         VARCHAR(64)   NOT NULL,
    starttime       TIMESTAMP     NOT NULL,
    tbl_name        VARCHAR(128)  NOT NULL,
    filename        VARCHAR(1024) NOT NULL,
    line_number     BIGINT        NOT NULL,
    colname         VARCHAR(128),
    type            VARCHAR(32),
    raw_line        VARCHAR(1024),
    raw_field_value VARCHAR(1024),
    err_code        INTEGER       NOT NULL,
    err_reason      VARCHAR(512)  NOT NULL
)
