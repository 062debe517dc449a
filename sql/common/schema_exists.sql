-- Whether the schema exists, read from the catalog (PG_NAMESPACE, which Redshift documents:
-- https://docs.aws.amazon.com/redshift/latest/dg/c_join_PG.html), so that CREATE SCHEMA is sent
-- only when it is missing: on Redshift, CREATE SCHEMA needs the database's CREATE privilege
-- even with IF NOT EXISTS, which a user given only a schema does not have
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_SCHEMA.html).
SELECT COUNT(*) FROM pg_namespace WHERE nspname = %(schema)s
