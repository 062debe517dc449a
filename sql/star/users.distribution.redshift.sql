-- A dimension small enough to copy to every node, so joining songplays to it never moves rows.
DISTSTYLE ALL SORTKEY (user_id)
