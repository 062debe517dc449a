-- This session's own table that a load of some days COPYs into first, so that those days'
-- rows in the staging table can be replaced exactly, and rows from other days set aside.
CREATE TEMP TABLE {incoming} (LIKE {table})
