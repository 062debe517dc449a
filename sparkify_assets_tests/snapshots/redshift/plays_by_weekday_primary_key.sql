-- connection 49: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

CREATE SCHEMA IF NOT EXISTS "public";

SET search_path TO "public";

-- Counted on the key's text, not the key: Redshift does not enforce PRIMARY KEY but its planner
-- trusts it, and may answer COUNT(DISTINCT key) or GROUP BY key as if the key were unique.
SELECT
    COUNT(*)                                                    AS row_count,
    COUNT(*) - COUNT("weekday")                                     AS null_keys,
    COUNT("weekday") - COUNT(DISTINCT CAST("weekday" AS VARCHAR(64)))   AS duplicate_keys
FROM "plays_by_weekday";

COMMIT;
