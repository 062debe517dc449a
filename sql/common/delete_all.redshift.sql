-- DELETE, not TRUNCATE: "TRUNCATE commits the transaction in which it is run"
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_TRUNCATE.html), so a rebuild would not be
-- atomic. Redshift "can automatically sort and perform a VACUUM DELETE operation on tables in
-- the background" (https://docs.aws.amazon.com/redshift/latest/dg/t_Reclaiming_storage_space202.html).
DELETE FROM {table}
