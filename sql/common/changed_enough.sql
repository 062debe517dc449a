-- PostgreSQL only: whether a rewrite of some days changed enough of a table for it to be
-- analyzed at once: a tenth of the rows it held at its last ANALYZE, as Redshift's own rule
-- (analyze_threshold_percent, 10 by default: "Amazon Redshift skips ANALYZE for any table
-- that has a lower percentage of changed rows",
-- https://docs.aws.amazon.com/redshift/latest/dg/r_analyze_threshold_percent.html). Smaller
-- changes add up in pg_stat_user_tables, and autovacuum analyzes the table once they reach a
-- tenth (autovacuum_analyze_scale_factor). A table never analyzed always is.
SELECT reltuples < 0 OR %(changed)s >= 0.1 * reltuples
FROM pg_class
WHERE oid = to_regclass(quote_ident(%(schema)s) || '.' || quote_ident(%(table)s))
