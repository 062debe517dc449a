-- Counted on the key's text, not the key: Redshift does not enforce PRIMARY KEY but its planner
-- trusts it, and may answer COUNT(DISTINCT key) or GROUP BY key as if the key were unique.
SELECT
    COUNT(*)                                                    AS row_count,
    COUNT(*) - COUNT({key})                                     AS null_keys,
    COUNT({key}) - COUNT(DISTINCT CAST({key} AS VARCHAR(64)))   AS duplicate_keys
FROM {table}
