-- Small bookkeeping: Redshift chooses (ALL while small, EVEN if it grows).
-- https://docs.aws.amazon.com/redshift/latest/dg/c_choosing_dist_sort.html
DISTSTYLE AUTO
