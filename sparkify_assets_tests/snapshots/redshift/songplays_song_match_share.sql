-- connection 13: a transaction begins

CREATE SCHEMA IF NOT EXISTS "public";

SET search_path TO "public";

SELECT COUNT(*) AS songplays, COUNT(song_id) AS matched FROM songplays;

COMMIT;
