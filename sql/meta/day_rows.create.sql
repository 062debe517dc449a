-- Each day's rows of each table split by day, kept with the table in the same transaction: a
-- run of some days counts only its days (figures of those days' materializations) and the
-- table's whole row count is the sum here, not a COUNT(*) that grows with every day loaded.
CREATE TABLE IF NOT EXISTS day_rows (
    tbl_name  VARCHAR(128) NOT NULL, -- The table: staging_events, songplays or time.
    day       DATE         NOT NULL, -- A UTC day of its day column.
    row_count BIGINT       NOT NULL  -- Its rows of that day.
)
-- Small bookkeeping: Redshift chooses (ALL while small, EVEN if it grows).
-- redshift: DISTSTYLE AUTO
