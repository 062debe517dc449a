-- DELETE, not TRUNCATE: TRUNCATE commits at once on Redshift, so a rebuild would not be atomic.
DELETE FROM {table}
