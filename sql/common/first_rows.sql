SELECT * FROM {table} ORDER BY {key} LIMIT %(limit)s
