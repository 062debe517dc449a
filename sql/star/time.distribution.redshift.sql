-- As big as songplays and joined to it on start_time: the same distribution and sort key.
DISTSTYLE KEY DISTKEY (start_time) SORTKEY (start_time)
