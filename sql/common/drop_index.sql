-- PostgreSQL only: a table about to be rewritten whole loses its day index until it is filled
-- (session.py, clear_for_rewrite).
DROP INDEX IF EXISTS {index}
