-- The loaded rows that belong to the days being loaded.
INSERT INTO {table}
SELECT * FROM {incoming} WHERE {column} >= %(low)s AND {column} < %(high)s
