-- connection 9: a transaction begins

CREATE SCHEMA IF NOT EXISTS "public";

SET search_path TO "public";

-- Counted on the key's text, not the key: Redshift does not enforce PRIMARY KEY but its planner
-- trusts it, and may answer COUNT(DISTINCT key) or GROUP BY key as if the key were unique.
SELECT
    COUNT(*)                                                    AS row_count,
    COUNT(*) - COUNT("user_id")                                     AS null_keys,
    COUNT("user_id") - COUNT(DISTINCT CAST("user_id" AS VARCHAR(64)))   AS duplicate_keys
FROM "users";

COMMIT;
