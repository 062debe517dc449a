"""The two kinds of warehouse, and the one rule for what differs between them.

- `local`: PostgreSQL (the embedded server, or any server in SPARKIFY_WAREHOUSE_URL). Staging is
  the project's emulation of Redshift's COPY (`copyjson/`), streamed in with COPY FROM STDIN.
- `redshift`: Amazon Redshift. Staging is Redshift's own COPY from S3.

Everything else is the same SQL. Where Redshift needs another statement, `sql/<name>.redshift.sql`
takes the place of `sql/<name>.sql` (see `sql.read_sql`); each table's distribution and sort keys
are in `sql/<layer>/<table>.distribution.redshift.sql`, appended to its one CREATE TABLE.
"""

from enum import StrEnum


class Target(StrEnum):
    LOCAL = "local"
    REDSHIFT = "redshift"

    @property
    def kind(self) -> str:
        """The Dagster kind shown on every table asset."""
        return "postgres" if self is Target.LOCAL else "redshift"


class RedshiftKind(StrEnum):
    """The two kinds of Redshift: the same SQL, signed in to differently
    (resources/redshift_signin.py)."""

    PROVISIONED = "provisioned"
    SERVERLESS = "serverless"
