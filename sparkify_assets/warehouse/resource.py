"""The warehouse resource: every statement the pipeline runs goes through here.

It is dagster-aws's `RedshiftClientResource` (same connection settings, same psycopg2 driver)
plus what a pipeline needs on top: one transaction per asset, the schema that holds every table,
staging loads with a record of rejected rows, and atomic table rebuilds.

Where it connects (connect.py): with `target="redshift"`, the Redshift cluster or workgroup in
the RedshiftClientResource fields (`host`, `port`, `user`, `password`, `database`, given as
EnvVar REDSHIFT_*), or signed in with IAM when there is no password. With `target="local"`,
`warehouse_url` (SPARKIFY_WAREHOUSE_URL, any PostgreSQL ≥ 15), else the embedded PostgreSQL in
`home` (SPARKIFY_HOME), started on demand.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg2
from dagster_aws.redshift import RedshiftClientResource
from pydantic import Field

from sparkify_assets.model.days import Days
from sparkify_assets.model.sql import quote_identifier, statement
from sparkify_assets.model.tables import ALL_TABLES, ASSET_TABLES, BuiltTable, StagingTable, Table
from sparkify_assets.model.targets import RedshiftKind, Target
from sparkify_assets.warehouse.bookkeeping import create_bookkeeping
from sparkify_assets.warehouse.building import build_once
from sparkify_assets.warehouse.conflicts import retry_conflicts
from sparkify_assets.warehouse.connect import (
    IamSignIn,
    WarehouseUnreachable,
    connect_embedded,
    connect_redshift,
    connect_url,
    server_told,
)
from sparkify_assets.warehouse.copying import CopyRequest, Report, StagingCopy
from sparkify_assets.warehouse.embedded import embedded_server_log
from sparkify_assets.warehouse.emulated_copy import EmulatedCopy
from sparkify_assets.warehouse.loading import StagingLoad, load_once
from sparkify_assets.warehouse.redshift_copy import RedshiftCopy
from sparkify_assets.warehouse.session import Session
from sparkify_assets.warehouse.source import RawSourceResource
from sparkify_assets.warehouse.table_state import TableState


class WarehouseResource(RedshiftClientResource):
    """The Sparkify warehouse: the embedded PostgreSQL, any PostgreSQL, or Amazon Redshift."""

    target: str = Field(default=Target.LOCAL, description="local (PostgreSQL) or redshift.")
    host: str = Field(default="", description="Redshift host (REDSHIFT_HOST); redshift only.")
    warehouse_url: str | None = Field(
        default=None, description="postgresql:// URL of the warehouse (SPARKIFY_WAREHOUSE_URL)."
    )
    home: str = Field(
        default=".sparkify", description="Where the embedded PostgreSQL keeps its data."
    )
    schema_name: str = Field(default="public", description="Schema of every table.")
    maxerror: int = Field(
        default=0,
        ge=0,
        description="Redshift's MAXERROR: a load fails once it rejects this many records (0: "
        "any); so it tolerates one fewer.",
    )
    truncate_columns: bool = Field(
        default=False,
        description="Cut text too long for its column instead of rejecting the record "
        "(Redshift's TRUNCATECOLUMNS).",
    )
    load_workers: int | None = Field(
        default=None,
        ge=1,
        description="Local loads: processes converting local files (default one per core), or "
        "threads reading an S3 source (default 8).",
    )
    redshift_kind: str = Field(
        default=RedshiftKind.PROVISIONED, description="provisioned or serverless; redshift only."
    )
    iam_sign_in_name: str | None = Field(
        default=None,
        description="Sign in with IAM instead of a password, to this cluster (provisioned) or "
        "workgroup (serverless); redshift only.",
    )
    aws_region: str = Field(
        default="us-west-2", description="Region of the cluster or workgroup (IAM sign-in)."
    )
    iam_role_arn: str | None = Field(
        default=None, description="IAM role Redshift's COPY reads S3 with (SPARKIFY_IAM_ROLE_ARN)."
    )
    region: str = Field(default="us-west-2", description="Region of the S3 source (COPY REGION).")
    manifest_location: str | None = Field(
        default=None,
        description="s3:// prefix for COPY manifests of explicit file lists (redshift only).",
    )

    @property
    def warehouse_target(self) -> Target:
        return Target(self.target)

    def _connect(self) -> Any:
        if self.warehouse_target is Target.REDSHIFT:
            sign_in = None
            if self.iam_sign_in_name:
                sign_in = IamSignIn(
                    RedshiftKind(self.redshift_kind),
                    self.iam_sign_in_name,
                    self.database or "",
                    self.aws_region,
                )
            # dagster-aws's conn_args carry its own connect_timeout (5 s by default)
            return connect_redshift(self.get_client().conn_args, sign_in)
        if self.warehouse_url:
            return connect_url(self.warehouse_url)
        return connect_embedded(Path(self.home))

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """A bare psycopg2 connection to the warehouse, signed in as every run is, for callers
        that manage their own transactions (the Redshift preflight); closed at the end."""
        connection = self._connect()
        try:
            yield connection
        finally:
            connection.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction that commits when the block ends and rolls back if it raises."""
        quote_identifier(self.schema_name)  # refuse an unsafe schema name before connecting
        connection = self._connect()
        try:
            session = Session(connection, self.schema_name, self.warehouse_target)
            session.prepare()
            yield session
            connection.commit()
        except BaseException:
            # A connection the server has closed has nothing to roll back; failing here would
            # hide the error that closed it behind "connection already closed".
            with suppress(psycopg2.Error):
                connection.rollback()
            raise
        finally:
            connection.close()

    def _staging_copy(self) -> StagingCopy:
        if self.warehouse_target is Target.REDSHIFT:
            if not self.iam_role_arn:
                raise WarehouseUnreachable("Redshift's COPY needs SPARKIFY_IAM_ROLE_ARN")
            return RedshiftCopy(self.iam_role_arn, self.region, self.manifest_location)
        return EmulatedCopy(self.load_workers)

    def load_staging(
        self,
        table: StagingTable,
        source: RawSourceResource,
        report: Report | None = None,
        files: Sequence[str] | None = None,
        days: Days = Days.ALL,
    ) -> StagingLoad:
        """Replace the table's rows with the files under its prefix (or `files`), in one
        transaction; for some days, replace only those days' rows, from those days' files
        (loading.py).

        The load's outcome and every rejected record are written to load_history and
        load_errors: with the data when the load commits, on their own when the COPY fails, so
        that a failed load leaves the table as it was and still explains itself. A committed
        load's JSON keys that filled no column go to load_unmapped_keys, and to the result. A
        load the warehouse aborts for a concurrent transaction is tried again
        (warehouse/conflicts.py).
        """
        report = report or _quiet

        def attempt() -> StagingLoad:
            staging_copy = self._staging_copy()
            request = CopyRequest(
                table,
                source,
                files,
                days,
                self.maxerror,
                self.truncate_columns,
                load_id=_new_load_id(),
                report=report,
            )
            return load_once(self.session, staging_copy, request)

        with self._server_told(f"the load of {table.name} was rolled back"):
            loaded = retry_conflicts(attempt, report)
        self._reclaim_deleted_rows(table, days)
        return loaded

    def rebuild(self, table: BuiltTable, days: Days = Days.ALL) -> TableState:
        """Replace the table's rows (of `days`, for a daily table) by its INSERT … SELECT;
        readers see old or new, never half (building.py). A rebuild the warehouse aborts for a
        concurrent transaction is tried again (warehouse/conflicts.py)."""
        with self._server_told(f"the build of {table.name} was rolled back"):
            state = retry_conflicts(lambda: build_once(self.session, table, days))
        self._reclaim_deleted_rows(table, days)
        return state

    def _server_told(self, consequence: str) -> AbstractContextManager[None]:
        embedded = self.warehouse_target is Target.LOCAL and not self.warehouse_url
        log = embedded_server_log(Path(self.home)) if embedded else None
        return server_told(consequence, log, self.connection)

    def _reclaim_deleted_rows(self, table: Table, days: Days) -> None:
        """Vacuum a table whose rows were just deleted in place, on PostgreSQL: a daily table's
        rows of some days, or a table refreshed row by row (users), whatever the days.

        A whole table is rewritten after a TRUNCATE (common/delete_all.sql), which leaves no
        dead rows. Left to autovacuum, the dead rows of a refresh were reclaimed or not
        depending on the machine's load, and the table grew with each build. Nothing is sent to
        Redshift, which "can automatically sort and perform a VACUUM DELETE operation on tables
        in the background"
        (https://docs.aws.amazon.com/redshift/latest/dg/t_Reclaiming_storage_space202.html).
        """
        if self.warehouse_target is not Target.LOCAL:
            return
        refreshed_in_place = isinstance(table, BuiltTable) and bool(table.refreshed_by)
        days_replaced = table.day_column is not None and not days.whole_table
        if not (refreshed_in_place or days_replaced):
            return
        with self.connection() as connection:
            connection.autocommit = True  # VACUUM runs outside a transaction block
            connection.cursor().execute(
                statement("common/vacuum", Target.LOCAL, schema=self.schema_name, table=table.name)
            )

    def reset(self) -> list[str]:
        """Drop and recreate every table, as the seed's create_tables.py does."""
        with self.session() as session:
            session.lock_creation(changing=True)  # before the tables' locks, as everywhere
            for table in reversed(ALL_TABLES):
                session.execute("common/drop_table", table=table.name)
            create_bookkeeping(session)
            session.create(*ASSET_TABLES)
        return [table.name for table in ALL_TABLES]

    def last_rows(self, table: BuiltTable, limit: int) -> list[tuple[Any, ...]]:
        """The last `limit` rows of the table, in key order: what a materialization shows of a
        small table's result, the latest days of a daily one (its columns are the ones
        `rebuild` reported)."""
        with self.session() as session:
            return session.fetch_all(
                "common/last_rows", {"limit": limit}, table=table.name, key=table.key
            )


def _quiet(message: str) -> None:
    """Progress goes nowhere when nobody asked for it."""


def _new_load_id() -> str:
    return uuid.uuid4().hex
