-- Small bookkeeping: Redshift chooses (ALL while small, EVEN if it grows).
DISTSTYLE AUTO
