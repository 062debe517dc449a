-- connection 21: a transaction begins

CREATE SCHEMA IF NOT EXISTS "public";

SET search_path TO "public";

-- Counted on the key's text, not the key: Redshift does not enforce PRIMARY KEY but its planner
-- trusts it, and may answer COUNT(DISTINCT key) or GROUP BY key as if the key were unique.
SELECT
    COUNT(*)                                                    AS row_count,
    COUNT(*) - COUNT("start_time")                                     AS null_keys,
    COUNT("start_time") - COUNT(DISTINCT CAST("start_time" AS VARCHAR(64)))   AS duplicate_keys
FROM "time";

COMMIT;
