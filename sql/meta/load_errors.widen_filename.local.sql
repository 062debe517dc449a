-- A load_errors made before local keys could be as long as a path has a filename of
-- VARCHAR(1024): widened in place, which PostgreSQL does in its catalogue without rewriting a
-- row. Not sent to Redshift, where "You can't alter columns within a transaction block"
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_TABLE.html, which also allows only
-- a VARCHAR's size to be increased) and a load runs in one: there the older width holds every
-- file_name SYS_LOAD_ERROR_DETAIL gives (CHAR(256)), and a longer source URI is cut to fit.
ALTER TABLE load_errors ALTER COLUMN filename TYPE VARCHAR(4096)
