-- The files the load's COPY read, first by name: what the schema-drift scan samples after it.
-- SYS_LOAD_DETAIL has a row per data file of a COPY, file_name its s3:// address (CHAR, so
-- trimmed), on provisioned clusters and Serverless alike
-- (https://docs.aws.amazon.com/redshift/latest/dg/SYS_LOAD_DETAIL.html); the COPY's query_id
-- is SYS_LOAD_HISTORY's (meta/copy_outcome). TRIM:
-- https://docs.aws.amazon.com/redshift/latest/dg/r_TRIM.html; ORDER BY and LIMIT:
-- https://docs.aws.amazon.com/redshift/latest/dg/r_ORDER_BY_clause.html.
SELECT DISTINCT TRIM(file_name) AS file_name
FROM sys_load_detail
WHERE query_id = %(query_id)s
ORDER BY 1
LIMIT %(limit)s
