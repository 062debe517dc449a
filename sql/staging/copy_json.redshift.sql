-- Redshift's own COPY of JSON files into a staging table. It runs inside the load's transaction,
-- after the table's DELETE, so a COPY that fails leaves the table as it was.
--   FROM         the table's prefix (every file under it), or a manifest of chosen files
--   FORMAT       'auto' maps keys to same-named columns; a JSONPaths file maps them by position
--   MAXERROR     rejected records tolerated (SPARKIFY_MAXERROR); each is logged in stl_load_errors
--   COMPUPDATE   OFF: no compression analysis on each reload; the tables keep ENCODE AUTO
--   STATUPDATE   OFF: the load ANALYZEs the staging table itself once its rows are in place
COPY {table}
FROM %(source)s
IAM_ROLE %(iam_role)s
FORMAT AS JSON %(json_format)s
REGION %(region)s
MAXERROR %(maxerror)s
COMPUPDATE OFF
STATUPDATE OFF
