-- The query id of this session's most recent COPY, or -1 when it knows of none
-- (https://docs.aws.amazon.com/redshift/latest/dg/PG_LAST_COPY_ID.html).
SELECT pg_last_copy_id()
