-- A load's rejected records by file: the day of a log file's name is the day they count for
-- (a rejected record's own ts may be missing or wrong).
SELECT filename, COUNT(*)
FROM load_errors
WHERE load_id = %(load_id)s
GROUP BY filename
