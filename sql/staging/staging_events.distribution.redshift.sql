-- The largest table, read once in full by each star build and joined on expressions of its
-- columns (repaired text), so no key would co-locate a join: spread evenly for a fast COPY.
-- Sorted by ts, so that a day's DELETE and reads skip the blocks of other days.
DISTSTYLE EVEN SORTKEY (ts)
