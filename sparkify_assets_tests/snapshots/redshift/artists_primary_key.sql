-- connection 10: a transaction begins

CREATE SCHEMA IF NOT EXISTS "public";

SET search_path TO "public";

SELECT
    COUNT(*)                            AS row_count,
    COUNT(*) - COUNT("artist_id")             AS null_keys,
    COUNT("artist_id") - COUNT(DISTINCT "artist_id") AS duplicate_keys
FROM "artists";

COMMIT;
