-- After a load of every day straight into the table: the rows of no day being loaded leave it
-- (reject_outside_days has recorded them as rejected first).
DELETE FROM {table}
WHERE {column} IS NULL OR {column} < %(low)s OR {column} >= %(high)s
