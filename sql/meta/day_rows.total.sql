-- A table's whole row count: the sum of its days' (kept by every run that writes it).
SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT)
FROM day_rows
WHERE tbl_name = %(tbl_name)s
