-- PostgreSQL only, after a daily table's rows of some days were replaced and committed: the
-- deleted rows' space is made reusable and the table's visibility map is brought up to date,
-- so the next day's insert fills the freed pages and the time build's index-only scan of
-- songplays need not visit the table. Autovacuum waits until a fifth of a table is dead.
VACUUM {schema}.{table}
