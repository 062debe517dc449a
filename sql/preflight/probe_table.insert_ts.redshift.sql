-- One event time for the time probe, in a BIGINT column as staging_events holds it, so that the
-- expressions run on the compute nodes, as the star tables' builds run them.
INSERT INTO {table} (ts) VALUES (%(ts)s)
