-- Schema drift: the top-level JSON keys a committed staging load saw that fill no column (not
-- the first step of any JSONPath; under 'auto', not a column's name), which COPY drops without
-- a word on both targets. One row per load and key, with how many records had it and the first
-- file and line (by file, then line) that did. Locally every loaded record is counted; on
-- Redshift a sample of the files its COPY read (warehouse/redshift_copy.py says which). Keys and
-- files longer than their column are cut to fit, ending in an ellipsis.
-- Redshift: CREATE TABLE, https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_NEW.html
CREATE TABLE IF NOT EXISTS load_unmapped_keys (
    load_id      VARCHAR(64)   NOT NULL, -- The load that saw the key: load_history.load_id.
    tbl_name     VARCHAR(128)  NOT NULL, -- The staging table loaded.
    json_key     VARCHAR(512)  NOT NULL, -- The top-level JSON key that fills no column.
    records      BIGINT        NOT NULL, -- How many loaded records had the key (in the sample, on Redshift).
    example_file VARCHAR(4096) NOT NULL, -- The first file with the key, as a key under the source.
    example_line BIGINT        NOT NULL  -- The line of that file where the first such record starts.
)
-- Small bookkeeping: Redshift chooses (ALL while small, EVEN if it grows).
-- https://docs.aws.amazon.com/redshift/latest/dg/c_choosing_dist_sort.html
-- redshift: DISTSTYLE AUTO
