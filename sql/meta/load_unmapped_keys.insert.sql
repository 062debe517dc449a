-- One unmapped key of a load, every value a parameter. A load meets a few such keys at most
-- (copyjson/drift.py counts 1,000 at most), so one row per statement.
-- Redshift: INSERT … VALUES, https://docs.aws.amazon.com/redshift/latest/dg/r_INSERT_30.html
INSERT INTO load_unmapped_keys (
    load_id, tbl_name, json_key, records, example_file, example_line
) VALUES (
    %(load_id)s, %(tbl_name)s, %(json_key)s, %(records)s, %(example_file)s, %(example_line)s
)
