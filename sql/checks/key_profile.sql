SELECT
    COUNT(*)                            AS row_count,
    COUNT(*) - COUNT({key})             AS null_keys,
    COUNT({key}) - COUNT(DISTINCT {key}) AS duplicate_keys
FROM {table}
