-- Sent only when the schema is missing (common/schema_exists.sql), and never for PUBLIC, which
-- every database has and which Redshift's CREATE SCHEMA refuses as a name
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_SCHEMA.html).
CREATE SCHEMA IF NOT EXISTS {schema}
