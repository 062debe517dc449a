-- Serialises writers of one table for the rest of the transaction, so two runs can't both
-- delete-and-reload it (each would keep the other's rows); readers still see the old rows.
LOCK TABLE {table} IN EXCLUSIVE MODE
