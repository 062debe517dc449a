-- connection 51: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

-- The plays an analytics table counts, and songplays' rows: a table that splits every play into
-- parts (by hour, weekday, day) must count each play once.
SELECT
    (SELECT COALESCE(SUM("plays"), 0) FROM "plays_by_weekday") AS counted,
    (SELECT COUNT(*) FROM songplays)                 AS songplays;

COMMIT;
