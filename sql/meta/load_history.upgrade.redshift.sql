-- Nothing to upgrade: every Redshift load_history was created with first_day and last_day
-- (Redshift has no ADD COLUMN IF NOT EXISTS).
SELECT 1
