-- A daily table is rewritten and read a day at a time: an index on its day column keeps a
-- day's DELETE and SELECT from scanning every earlier day. Not sent to Redshift, which has no
-- indexes (Target.has_indexes): there the table's SORTKEY on its day column does this job.
CREATE INDEX IF NOT EXISTS {index} ON {table} ({column})
