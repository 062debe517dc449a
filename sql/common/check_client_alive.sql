-- For the rest of the session (not LOCAL: it outlives this transaction), let the server notice
-- within a second that a killed run's connection is gone, and free its locks.
SET client_connection_check_interval = 1000
