-- The counts of the days a run is about to count again.
DELETE FROM day_rows
WHERE tbl_name = %(tbl_name)s AND day BETWEEN %(first_day)s AND %(last_day)s
