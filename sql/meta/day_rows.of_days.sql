-- The counts of the days of a run: each day's dagster/partition_row_count.
SELECT day, row_count
FROM day_rows
WHERE tbl_name = %(tbl_name)s AND day BETWEEN %(first_day)s AND %(last_day)s
