-- connection 9: a transaction begins

CREATE SCHEMA IF NOT EXISTS "public";

SET search_path TO "public";

SELECT
    COUNT(*)                            AS row_count,
    COUNT(*) - COUNT("user_id")             AS null_keys,
    COUNT("user_id") - COUNT(DISTINCT "user_id") AS duplicate_keys
FROM "users";

COMMIT;
