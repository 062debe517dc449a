-- A daily table is rewritten and read a day at a time: an index on its day column keeps a
-- day's DELETE and SELECT from scanning every earlier day.
CREATE INDEX IF NOT EXISTS {index} ON {table} ({column})
