"""The two kinds of warehouse, and the one rule for what differs between them.

- `local`: PostgreSQL (the embedded server, or any server in SPARKIFY_WAREHOUSE_URL). Staging is
  the project's emulation of Redshift's COPY (`copyjson/`), streamed in with COPY FROM STDIN.
- `redshift`: Amazon Redshift. Staging is Redshift's own COPY from S3.

Everything else is the same SQL. Where Redshift needs another statement, `sql/<name>.redshift.sql`
takes the place of `sql/<name>.sql` (see `sql.read_sql`); where Redshift needs none, a flag of
`Target` says what it lacks and the statement is not sent. Each table's distribution and sort keys
are the `-- redshift:` line of its `sql/<layer>/<table>.create.sql`, added to that one CREATE TABLE
on Redshift (`sql.create_and_redshift_design`).
"""

from enum import StrEnum


class Target(StrEnum):
    LOCAL = "local"
    REDSHIFT = "redshift"

    @property
    def kind(self) -> str:
        """The Dagster kind shown on every table asset."""
        return "postgres" if self is Target.LOCAL else "redshift"

    @property
    def has_indexes(self) -> bool:
        """Whether CREATE INDEX exists: Redshift lists "Indexes" among its unsupported
        PostgreSQL features
        (https://docs.aws.amazon.com/redshift/latest/dg/c_unsupported-postgresql-features.html).
        There each daily table's SORTKEY on its day column does a day index's job."""
        return self is Target.LOCAL

    @property
    def has_advisory_locks(self) -> bool:
        """Whether runs creating objects can take a lock that no table holds: Redshift lists
        "Advisory lock functions" among its unsupported PostgreSQL functions
        (https://docs.aws.amazon.com/redshift/latest/dg/c_unsupported-postgresql-functions.html),
        and its LOCK needs a table that exists. There two runs creating one object at the same
        moment may fail one (the catalog is not locked in a transaction), which rolls back whole
        and succeeds when run again; an existing table's writers wait on its LOCK."""
        return self is Target.LOCAL


class RedshiftKind(StrEnum):
    """The two kinds of Redshift: the same SQL, signed in to differently
    (resources/redshift_signin.py)."""

    PROVISIONED = "provisioned"
    SERVERLESS = "serverless"
