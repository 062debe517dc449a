SELECT COUNT(*) FROM {incoming}
WHERE {column} IS NULL OR {column} < %(low)s OR {column} >= %(high)s
