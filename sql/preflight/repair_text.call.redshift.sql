-- The probe-named copy of f_repair_text on the damaged value in the probe table: a VARCHAR
-- column on the compute nodes, as the star tables' builds call it.
SELECT {function}(word) FROM {table}
