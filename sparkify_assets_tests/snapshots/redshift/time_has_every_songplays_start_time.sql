-- connection 41: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

-- Values of child.column that have no row in parent: the count and a few examples.
SELECT CAST(orphan AS VARCHAR), COUNT(*) OVER () AS orphan_count
FROM (
    SELECT DISTINCT c."start_time" AS orphan
    FROM "songplays" AS c
    LEFT JOIN "time" AS p ON p."start_time" = c."start_time"
    WHERE c."start_time" IS NOT NULL AND p."start_time" IS NULL
) AS orphans
ORDER BY 1
LIMIT 5;

COMMIT;
