-- Whether the schema exists, read from the catalog (PG_NAMESPACE, which Redshift documents:
-- https://docs.aws.amazon.com/redshift/latest/dg/c_join_PG.html), so that CREATE SCHEMA is sent
-- only when it is missing: on Redshift, CREATE SCHEMA needs the privilege to create schemas
-- ("Required privileges", https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_SCHEMA.html),
-- which a user given only a schema lacks, and the page does not say IF NOT EXISTS spares it.
SELECT COUNT(*) FROM pg_namespace WHERE nspname = %(schema)s
