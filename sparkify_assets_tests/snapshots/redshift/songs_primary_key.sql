-- connection 14: a transaction begins

CREATE SCHEMA IF NOT EXISTS "public";

SET search_path TO "public";

SELECT
    COUNT(*)                            AS row_count,
    COUNT(*) - COUNT("song_id")             AS null_keys,
    COUNT("song_id") - COUNT(DISTINCT "song_id") AS duplicate_keys
FROM "songs";

COMMIT;
