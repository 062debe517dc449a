-- The session stl_load_errors records for the latest rejected record of the probe object
-- ("session: session ID for the session performing the load", "filename: complete path to the
-- input file for the load": https://docs.aws.amazon.com/redshift/latest/dg/r_STL_LOAD_ERRORS.html).
-- Provisioned clusters only: Serverless has no STL views.
SELECT session
FROM stl_load_errors
WHERE STRPOS(filename, %(key)s) > 0
ORDER BY starttime DESC
LIMIT 1
