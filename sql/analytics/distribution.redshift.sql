-- Every analytics table is a few rows: a copy on every node, so joins never move it.
DISTSTYLE ALL
