-- Every text of the plays (songplays.plays.sql) once, with its repair of the logs'
-- double-encoded UTF-8: plays repeat the same songs, artists, places and browsers, so each
-- distinct text is repaired once, then looked up. A temporary table, analyzed, so the lookups
-- are planned knowing each text is there once.
CREATE TEMP TABLE songplays_texts AS
SELECT damaged, f_repair_text(damaged) AS text
FROM (
    SELECT song AS damaged FROM songplays_plays
    UNION SELECT artist FROM songplays_plays
    UNION SELECT location FROM songplays_plays
    UNION SELECT user_agent FROM songplays_plays
) AS texts
