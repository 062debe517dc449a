-- connection 40: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

-- key_profile.sql for a BOOLEAN key, which Redshift can't cast to a string
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_Type_conversion.html): counted on a number.
SELECT
    COUNT(*)                                                       AS row_count,
    COUNT(*) - COUNT("matched")                                        AS null_keys,
    COUNT("matched") - COUNT(DISTINCT CASE WHEN "matched" THEN 1 ELSE 0 END) AS duplicate_keys
FROM "song_match_share";

COMMIT;
