-- The rows of each day of the range, by the UTC day of a TIMESTAMP column (a timestamp CASTs
-- to its DATE: https://docs.aws.amazon.com/redshift/latest/dg/r_CAST_function.html).
INSERT INTO day_rows (tbl_name, day, row_count)
SELECT %(tbl_name)s, CAST({column} AS DATE), COUNT(*)
FROM {table}
WHERE {column} >= %(low)s AND {column} < %(high)s
GROUP BY CAST({column} AS DATE)
