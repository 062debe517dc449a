SELECT COUNT(*) FROM {loaded}
WHERE {column} IS NULL OR {column} < %(low)s OR {column} >= %(high)s
