-- connection 37: a transaction begins

-- Redshift has no advisory locks and its LOCK needs a table that exists: two runs creating one
-- object at the same moment may fail one (the catalog is not locked in a transaction), which
-- rolls back whole and succeeds when run again. An existing table's writers wait on its LOCK.
SELECT 1;

SET search_path TO "public";

-- Counted on the key's text, not the key: Redshift does not enforce PRIMARY KEY but its planner
-- trusts it, and may answer COUNT(DISTINCT key) or GROUP BY key as if the key were unique
-- (https://docs.aws.amazon.com/redshift/latest/dg/t_Defining_constraints.html). The text is
-- RTRIMmed because Redshift compares VARCHAR values ignoring trailing blanks
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_Character_types.html): 'A' and 'A ' are one
-- key there, and must be one here too. A BOOLEAN key has its own form (key_profile.boolean.sql):
-- Redshift casts only numbers, dates and times to strings
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_Type_conversion.html).
SELECT
    COUNT(*)                                                           AS row_count,
    COUNT(*) - COUNT("rank")                                            AS null_keys,
    COUNT("rank") - COUNT(DISTINCT RTRIM(CAST("rank" AS VARCHAR(64))))   AS duplicate_keys
FROM "most_active_users";

COMMIT;
