-- Plays per UTC day, as the ground truth's plays_per_day lists them.
SELECT TO_CHAR(start_time, 'YYYY-MM-DD'), COUNT(*) FROM songplays GROUP BY 1
