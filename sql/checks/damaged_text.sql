-- Texts of the plays that still show the mark of double-encoded UTF-8 after f_repair_text
-- (sql/functions/repair_text.sql): a character U+00C2-U+00F4 (a UTF-8 lead byte read as
-- Latin-1) followed by one U+0080-U+00BF (a continuation byte read so): the pattern is the
-- parameter damage_mark (model/damaged_text.py), which `sparkify redshift preflight` also tries on
-- the user's cluster. The repair covers some characters only; this names the ones it left, with
-- the count. Texts as songplays reads them.
-- Redshift: the ~ operator and bracket ranges,
-- https://docs.aws.amazon.com/redshift/latest/dg/pattern-matching-conditions-posix.html (the
-- page limits its [: :] classes to ASCII but is silent on non-ASCII characters in a bracket
-- range; PostgreSQL reads them as characters, Redshift's reading is for its first run to show);
-- COUNT(*) OVER (), https://docs.aws.amazon.com/redshift/latest/dg/r_WF_COUNT.html; UNION,
-- https://docs.aws.amazon.com/redshift/latest/dg/r_UNION.html; LIMIT,
-- https://docs.aws.amazon.com/redshift/latest/dg/r_ORDER_BY_clause.html.
SELECT text, COUNT(*) OVER () AS damaged_count
FROM (
    SELECT DISTINCT f_repair_text(damaged) AS text
    FROM (
        SELECT RTRIM(song) AS damaged FROM staging_events WHERE page = 'NextSong'
        UNION SELECT RTRIM(artist) FROM staging_events WHERE page = 'NextSong'
        UNION SELECT RTRIM(location) FROM staging_events WHERE page = 'NextSong'
        UNION SELECT RTRIM(user_agent) FROM staging_events WHERE page = 'NextSong'
    ) AS texts
) AS repaired
WHERE text ~ %(damage_mark)s
ORDER BY 1
LIMIT 5
