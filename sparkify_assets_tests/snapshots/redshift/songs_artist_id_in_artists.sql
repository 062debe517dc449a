-- connection 12: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

-- Values of child.column that have no row in parent: the count and a few examples.
SELECT CAST(orphan AS VARCHAR), COUNT(*) OVER () AS orphan_count
FROM (
    SELECT DISTINCT c."artist_id" AS orphan
    FROM "songs" AS c
    LEFT JOIN "artists" AS p ON p."artist_id" = c."artist_id"
    WHERE c."artist_id" IS NOT NULL AND p."artist_id" IS NULL
) AS orphans
ORDER BY 1
LIMIT 5;

COMMIT;
