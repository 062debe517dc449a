-- PostgreSQL only: the key's index of a table rewritten whole, built again once it is filled.
ALTER TABLE {table} ADD CONSTRAINT {constraint} PRIMARY KEY ({column})
