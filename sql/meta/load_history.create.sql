-- One row per load attempt of a staging table, committed or failed, with the counts that must
-- reconcile: rows_loaded + rejected = records_read. Only status = 'committed' rows are in the
-- table; a failed load's rows_loaded are those it read before it stopped and then rolled back
-- (Redshift does not report them for a failed COPY: there they are 0).
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
    first_day    DATE,         -- the days a daily load covered; NULL: the whole table
    last_day     DATE
)
-- Small bookkeeping: Redshift chooses (ALL while small, EVEN if it grows).
-- redshift: DISTSTYLE AUTO
