-- Values of child.column that have no row in parent: the count and a few examples.
SELECT CAST(orphan AS VARCHAR), COUNT(*) OVER () AS orphan_count
FROM (
    SELECT DISTINCT c.{column} AS orphan
    FROM {child} AS c
    LEFT JOIN {parent} AS p ON p.{parent_key} = c.{column}
    WHERE c.{column} IS NOT NULL AND p.{parent_key} IS NULL
) AS orphans
ORDER BY 1
LIMIT 5
