-- PostgreSQL only: a table about to be rewritten whole loses its key's index until it is
-- filled; add_primary_key.sql builds it again, in one sort, and fails the rewrite (rolling it
-- back) if the new rows hold a key twice, as the index would have.
ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {constraint}
