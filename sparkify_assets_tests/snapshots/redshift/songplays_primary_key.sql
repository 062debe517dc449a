-- connection 12: a transaction begins

CREATE SCHEMA IF NOT EXISTS "public";

SET search_path TO "public";

SELECT
    COUNT(*)                            AS row_count,
    COUNT(*) - COUNT("songplay_id")             AS null_keys,
    COUNT("songplay_id") - COUNT(DISTINCT "songplay_id") AS duplicate_keys
FROM "songplays";

COMMIT;
