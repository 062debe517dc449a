-- A load_history made before loads covered days lacks these columns.
ALTER TABLE load_history
    ADD COLUMN IF NOT EXISTS first_day DATE,
    ADD COLUMN IF NOT EXISTS last_day DATE
