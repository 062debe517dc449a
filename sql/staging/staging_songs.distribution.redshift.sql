-- The song catalogue (thousands to a few million rows), probed by every slice when plays are
-- matched to songs: a copy on every node saves redistributing the events for that join.
DISTSTYLE ALL
