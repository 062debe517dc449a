-- The preflight's one table: temporary, so that it is "visible only within the current session"
-- and "automatically dropped at the end of the session"
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_NEW.html); created inside a
-- probe's transaction, which is rolled back, it is gone even sooner. The JSON probes COPY into
-- word and number (FORMAT AS JSON 'auto' maps keys to same-named columns); the time probe fills ts.
CREATE TEMPORARY TABLE {table} (
    word   VARCHAR(32),
    number INTEGER,
    ts     BIGINT  -- as staging_events.ts: milliseconds since 1970
)
