-- Redshift has no indexes: instead of {index} on {table} ({column}), each daily table's SORTKEY
-- on its day column does this job (see <table>.distribution.redshift.sql).
SELECT 1
