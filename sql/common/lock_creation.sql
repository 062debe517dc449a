-- Objects of one schema are created by one run at a time. Two runs that both find a table, the
-- schema or the text-repair function missing would both add it to the catalog, and the second
-- would fail with "duplicate key value violates unique constraint" once the first commits (or
-- with "tuple concurrently updated" when both replace a function). This lock, held until commit,
-- makes the second wait, and then find the object made. It is taken only while the schema or the
-- table about to be created is missing, or when the caller is changing an object it found out of
-- date, so runs on a warehouse that exists never wait here. Any transaction takes it before its
-- first table lock (common/lock_table), so the two kinds of lock can't deadlock.
-- Not sent to Redshift, which has no advisory locks (Target.has_advisory_locks).
SELECT pg_advisory_xact_lock(hashtext('sparkify: create'), hashtext(%(schema)s))
WHERE %(changing)s
    OR NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = %(schema)s)
    OR (
        %(table)s IS NOT NULL
        AND NOT EXISTS (SELECT FROM pg_tables WHERE schemaname = %(schema)s AND tablename = %(table)s)
    )
