-- Grouped on the key's text for the reasons given in key_profile.sql.
SELECT RTRIM(CAST({key} AS VARCHAR(64))) AS key_text, COUNT(*)
FROM {table}
WHERE {key} IS NOT NULL
GROUP BY RTRIM(CAST({key} AS VARCHAR(64)))
HAVING COUNT(*) > 1
ORDER BY COUNT(*) DESC, 1
LIMIT 5
