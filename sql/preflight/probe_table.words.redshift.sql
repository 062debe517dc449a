-- What the JSON escape probe's COPY put into the probe table.
SELECT word FROM {table}
