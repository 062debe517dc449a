-- The rows of each day of the range, by the UTC day of a column of epoch milliseconds (ts).
-- Redshift: "TIMESTAMP 'epoch' + ... * INTERVAL '1 second'" turns epoch seconds into a timestamp
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_Dateparts_for_datetime_functions.html,
-- "epoch"); a timestamp CASTs to its DATE
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_CAST_function.html).
INSERT INTO day_rows (tbl_name, day, row_count)
SELECT %(tbl_name)s, CAST(TIMESTAMP 'epoch' + {column} * INTERVAL '1 millisecond' AS DATE), COUNT(*)
FROM {table}
WHERE {column} >= %(low)s AND {column} < %(high)s
GROUP BY CAST(TIMESTAMP 'epoch' + {column} * INTERVAL '1 millisecond' AS DATE)
