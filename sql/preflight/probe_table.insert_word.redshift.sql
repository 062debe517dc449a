-- One text value for the repair function probe.
INSERT INTO {table} (word) VALUES (%(word)s)
