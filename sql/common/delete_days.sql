-- A range of days' rows (low included, high excluded): a daily-partitioned table is rewritten
-- a range of days at a time.
DELETE FROM {table} WHERE {column} >= %(low)s AND {column} < %(high)s
