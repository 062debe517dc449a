-- key_profile.sql for a BOOLEAN key, which Redshift can't cast to a string
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_Type_conversion.html): counted on a number.
SELECT
    COUNT(*)                                                       AS row_count,
    COUNT(*) - COUNT({key})                                        AS null_keys,
    COUNT({key}) - COUNT(DISTINCT CASE WHEN {key} THEN 1 ELSE 0 END) AS duplicate_keys
FROM {table}
