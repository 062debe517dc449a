-- With SPARKIFY_TRUNCATECOLUMNS=true: text longer than its VARCHAR is cut to fit instead of
-- rejected (the local emulation cuts it at the same byte length, on a character boundary).
TRUNCATECOLUMNS
