-- The body of a function of this schema as the server keeps it, to replace the function only
-- when ours differs: replacing it on every run would make concurrent runs collide.
SELECT p.prosrc
FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace
WHERE p.proname = %(name)s AND n.nspname = %(schema)s
