-- duplicate_keys.sql for a BOOLEAN key: its text made by CASE, not CAST (see key_profile.sql).
SELECT CASE WHEN {key} THEN 'true' ELSE 'false' END AS key_text, COUNT(*)
FROM {table}
WHERE {key} IS NOT NULL
GROUP BY CASE WHEN {key} THEN 'true' ELSE 'false' END
HAVING COUNT(*) > 1
ORDER BY COUNT(*) DESC, 1
LIMIT 5
