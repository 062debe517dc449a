-- connection 21: a transaction begins

CREATE SCHEMA IF NOT EXISTS "public";

SET search_path TO "public";

SELECT
    COUNT(*)                            AS row_count,
    COUNT(*) - COUNT("start_time")             AS null_keys,
    COUNT("start_time") - COUNT(DISTINCT "start_time") AS duplicate_keys
FROM "time";

COMMIT;
