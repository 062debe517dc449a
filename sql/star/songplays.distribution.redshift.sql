-- Its largest join is with time (one row per distinct start_time, as many rows as plays), and
-- analysts filter on time ranges: distributing and sorting both tables on start_time makes that
-- join local and a merge join, and lets range filters skip blocks. song_id would skew badly
-- (it is NULL for most plays); users, songs and artists are copied to every node instead.
DISTSTYLE KEY DISTKEY (start_time) SORTKEY (start_time)
