-- The event logs hold non-ASCII text encoded more than once: UTF-8 bytes read as Latin-1 and
-- encoded again, twice over in the real logs ('Björk' arrives as 'BjÃ\u0083Â¶rk'). Undo one
-- layer at a time while the text shows the tell-tale pattern and the round trip is valid UTF-8;
-- text that is already proper UTF-8 comes back unchanged.
CREATE OR REPLACE FUNCTION repair_text(damaged TEXT) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    repaired TEXT := damaged;
BEGIN
    FOR layer IN 1..3 LOOP
        EXIT WHEN repaired !~ '[\u00c2-\u00f4][\u0080-\u00bf]';
        BEGIN
            repaired := convert_from(convert_to(repaired, 'LATIN1'), 'UTF8');
        EXCEPTION WHEN OTHERS THEN
            EXIT;
        END;
    END LOOP;
    RETURN repaired;
END
$$
