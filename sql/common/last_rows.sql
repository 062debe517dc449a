-- The last rows of a table in key order: all of a ranking, the latest days of a daily table.
SELECT * FROM (SELECT * FROM {table} ORDER BY {key} DESC LIMIT %(limit)s) AS latest ORDER BY {key}
