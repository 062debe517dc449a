-- The unmapped JSON keys of one load of a staging table (load_unmapped_keys), each with whether
-- an earlier load of the same table saw it too: a key no earlier load saw is new. The most
-- frequent first.
-- Redshift: LEFT JOIN of a derived table, https://docs.aws.amazon.com/redshift/latest/dg/r_FROM_clause30.html;
-- SELECT DISTINCT, https://docs.aws.amazon.com/redshift/latest/dg/r_SELECT_list.html;
-- ORDER BY, https://docs.aws.amazon.com/redshift/latest/dg/r_ORDER_BY_clause.html.
SELECT
    k.json_key, k.records, k.example_file, k.example_line, earlier.json_key IS NULL AS is_new
FROM load_unmapped_keys AS k
LEFT JOIN (
    SELECT DISTINCT json_key
    FROM load_unmapped_keys
    WHERE tbl_name = %(tbl_name)s AND load_id <> %(load_id)s
) AS earlier ON earlier.json_key = k.json_key
WHERE k.load_id = %(load_id)s AND k.tbl_name = %(tbl_name)s
ORDER BY k.records DESC, k.json_key
