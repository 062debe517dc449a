-- The rows this session's last completed COPY loaded
-- (https://docs.aws.amazon.com/redshift/latest/dg/PG_LAST_COPY_COUNT.html).
SELECT pg_last_copy_count()
