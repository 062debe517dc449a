-- Every row of a table about to be rewritten whole. TRUNCATE, not DELETE: it leaves no dead
-- rows behind (a DELETE's old rows stay in the table and its indexes until a vacuum, so every
-- rebuild would be slower than the last), and a table emptied in the load's own transaction is
-- written once, without the WAL (the embedded server's wal_level is minimal). It is
-- transactional in PostgreSQL: a failed rewrite rolls it back. Its lock makes readers wait for
-- the rewrite to commit; they then see the new rows, never half.
TRUNCATE {table}
