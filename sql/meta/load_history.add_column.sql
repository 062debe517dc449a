-- A load_history made before loads covered days lacks first_day and last_day: they are added
-- one at a time (Redshift adds one column per ALTER TABLE), only when missing.
ALTER TABLE load_history ADD COLUMN {column} DATE
