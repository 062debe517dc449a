SELECT COUNT(*) FROM {table} WHERE {column} >= %(low)s AND {column} < %(high)s
