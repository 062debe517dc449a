"""How the pipeline talks to the database: the Dagster resource (`resource`), one transaction
(`session`), staging loads (`loading`, with `emulated_copy` and `redshift_copy` behind
`copying`), rebuilds (`building`), the bookkeeping tables, the raw source (`source`), and
reaching a server (`connect`, `embedded`, `redshift_signin`)."""
