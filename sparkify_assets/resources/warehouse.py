"""The warehouse resource: every statement the pipeline runs goes through here.

It is dagster-aws's `RedshiftClientResource` (same connection settings, same psycopg2 driver)
plus what a pipeline needs on top: one transaction per asset, the schema that holds every table,
COPY-based staging loads with a record of rejected rows, and atomic table rebuilds.

Where it connects, first match wins: `warehouse_url` (SPARKIFY_WAREHOUSE_URL, any PostgreSQL
≥ 15), `host` and the other RedshiftClientResource fields, else the embedded PostgreSQL in
`home` (SPARKIFY_HOME), started on demand.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import psycopg2
from dagster_aws.redshift import RedshiftClientResource
from pydantic import Field

from ..copyjson import Column, JsonFormat, LoadError, LoadResult, load_json_files
from ..copyjson.convert import copy_text_row
from ..sql import quote_identifier, statement
from ..tables import ALL_TABLES, META_TABLES, StagingTable, StarTable, Table
from .embedded import embedded_postgres_dsn
from .source import RawSourceResource

Report = Callable[[str], None]
FIRST_ERRORS_SHOWN = 5


class WarehouseUnreachable(RuntimeError):
    """The configured warehouse refused or could not take a connection."""


class LoadFailed(RuntimeError):
    """A staging load rejected more records than MAXERROR allows; nothing was changed."""

    def __init__(self, message: str, result: LoadResult) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class TableState:
    name: str
    row_count: int
    columns: list[Column]


@dataclass(frozen=True)
class StagingLoad:
    load_id: str
    source: str
    result: LoadResult
    table: TableState


class Session:
    """One connection in one transaction, with the schema on its search path."""

    def __init__(self, connection: Any, schema: str) -> None:
        self.connection = connection
        self.cursor = connection.cursor()
        self.schema = schema

    def execute(self, name: str, params: dict[str, Any] | None = None, **identifiers: str) -> None:
        self.cursor.execute(statement(name, **identifiers), params)

    def fetch_all(
        self, name: str, params: dict[str, Any] | None = None, **identifiers: str
    ) -> list[tuple[Any, ...]]:
        self.execute(name, params, **identifiers)
        return self.cursor.fetchall()

    def fetch_one(
        self, name: str, params: dict[str, Any] | None = None, **identifiers: str
    ) -> tuple[Any, ...] | None:
        self.execute(name, params, **identifiers)
        return self.cursor.fetchone()

    def create(self, *tables: Table) -> None:
        for table in tables:
            self.execute(table.create_sql)

    def empty_for_rewrite(self, table: str) -> None:
        """Delete every row, after locking out other writers of the table until commit."""
        self.execute("common/lock_table", table=table)
        self.execute("common/delete_all", table=table)

    def copy_rows(self, table: str, rows: Sequence[Sequence[Any]]) -> None:
        data = "".join(copy_text_row(row) for row in rows).encode("utf-8")
        self.cursor.copy_expert(statement("common/copy_from_stdin", table=table), BytesIO(data))

    def exists(self, table: str) -> bool:
        row = self.fetch_one("common/table_exists", {"schema": self.schema, "table": table})
        return row is not None and row[0] > 0

    def state(self, table: str) -> TableState:
        row = self.fetch_one("common/count_rows", table=table)
        assert row is not None
        columns = [
            Column(name, data_type, max_length)
            for name, data_type, max_length, _ in self.fetch_all(
                "common/columns", {"schema": self.schema, "table": table}
            )
        ]
        return TableState(table, row[0], columns)


class WarehouseResource(RedshiftClientResource):
    """The Sparkify warehouse: the embedded PostgreSQL, any PostgreSQL, or a Redshift-protocol
    server given by the RedshiftClientResource fields."""

    host: str = Field(default="", description="Server host; empty for the URL or embedded.")
    warehouse_url: str | None = Field(
        default=None, description="postgresql:// URL of the warehouse (SPARKIFY_WAREHOUSE_URL)."
    )
    home: str = Field(
        default=".sparkify", description="Where the embedded PostgreSQL keeps its data."
    )
    schema_name: str = Field(default="public", description="Schema of every table.")
    maxerror: int = Field(
        default=0, ge=0, description="Rejected records a load tolerates (Redshift's MAXERROR)."
    )
    load_workers: int = Field(default=4, ge=1, description="Files read at once by a load.")

    def _connect(self) -> Any:
        if self.warehouse_url:
            try:
                return psycopg2.connect(self.warehouse_url, application_name="sparkify")
            except psycopg2.Error as error:
                # libpq quotes the parts of a DSN it can't parse, password included: say only
                # what failed, never the driver's text.
                raise WarehouseUnreachable(
                    f"cannot connect to the PostgreSQL in SPARKIFY_WAREHOUSE_URL "
                    f"({type(error).__name__}; check the URL's host, port, user and password)"
                ) from None
        if self.host:
            return psycopg2.connect(**self.get_client().conn_args, application_name="sparkify")
        return psycopg2.connect(embedded_postgres_dsn(Path(self.home)), application_name="sparkify")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction that commits when the block ends and rolls back if it raises."""
        schema = self.schema_name
        quote_identifier(schema)  # refuse an unsafe schema name before connecting
        connection = self._connect()
        try:
            session = Session(connection, schema)
            session.execute("common/create_schema", schema=schema)
            session.execute("common/set_search_path", schema=schema)
            yield session
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.close()

    def load_staging(
        self, table: StagingTable, source: RawSourceResource, report: Report | None = None
    ) -> StagingLoad:
        """Replace the table's rows with the files under its prefix, in one transaction.

        The load's outcome and every rejected record are written to load_history and
        load_errors: with the data when the load commits, on their own when it fails, so that a
        failed load leaves the table as it was and still explains itself.
        """
        keys = source.list_keys(table.prefix)
        json_format = JsonFormat()
        if table.jsonpaths is not None:
            json_format = JsonFormat(table.jsonpaths, source.read(table.jsonpaths))
        load_id = uuid.uuid4().hex
        started = _now()
        prefix_uri = source.uri(table.prefix)
        with self.session() as session:
            session.create(*META_TABLES, table)
            session.empty_for_rewrite(table.name)
            result = load_json_files(
                session.cursor,
                statement("common/copy_from_stdin", table=table.name),
                session.state(table.name).columns,
                keys,
                source.open,
                json_format,
                self.maxerror,
                self.load_workers,
                report,
            )
            if not result.exceeded_maxerror:
                _record_load(
                    session, load_id, table, prefix_uri, "committed", started, result, self.maxerror
                )
                return StagingLoad(load_id, prefix_uri, result, session.state(table.name))
            session.connection.rollback()
        with self.session() as session:
            _record_load(
                session, load_id, table, prefix_uri, "failed", started, result, self.maxerror
            )
        raise LoadFailed(_failure_message(table, result, self.maxerror), result)

    def rebuild_star(self, table: StarTable) -> TableState:
        """Replace the table's rows by its INSERT … SELECT; readers see old or new, never half."""
        with self.session() as session:
            session.create(table)
            session.empty_for_rewrite(table.name)
            session.execute("functions/repair_text")
            session.execute(table.insert_sql)
            return session.state(table.name)

    def reset(self) -> list[str]:
        """Drop and recreate every table, as the seed's create_tables.py does."""
        with self.session() as session:
            for table in reversed(ALL_TABLES):
                session.execute("common/drop_table", table=table.name)
            session.create(*ALL_TABLES)
        return [table.name for table in ALL_TABLES]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _record_load(
    session: Session,
    load_id: str,
    table: StagingTable,
    source: str,
    status: str,
    started: datetime,
    result: LoadResult,
    maxerror: int,
) -> None:
    session.create(*META_TABLES)
    session.execute(
        "meta/load_history.insert",
        {
            "load_id": load_id,
            "tbl_name": table.name,
            "source": source,
            "status": status,
            "started_at": started,
            "finished_at": _now(),
            "files": result.files,
            "records_read": result.records_read,
            # On a failed load these rows were rolled back; they are kept so the counts reconcile.
            "rows_loaded": result.rows_loaded,
            "rejected": len(result.errors),
            "maxerror": maxerror,
        },
    )
    session.copy_rows(
        "load_errors", [_error_row(load_id, started, table, e) for e in result.errors]
    )


def _error_row(
    load_id: str, started: datetime, table: StagingTable, error: LoadError
) -> tuple[Any, ...]:
    return (
        load_id,
        started,
        table.name,
        error.filename,
        error.line_number,
        error.colname,
        error.type,
        error.raw_line,
        error.raw_field_value,
        error.err_code,
        error.err_reason,
    )


def _failure_message(table: StagingTable, result: LoadResult, maxerror: int) -> str:
    shown = "\n".join(f"  - {error.describe()}" for error in result.errors[:FIRST_ERRORS_SHOWN])
    return (
        f"Load into {table.name} stopped: {len(result.errors):,} rejected records exceed "
        f"MAXERROR {maxerror} (raise SPARKIFY_MAXERROR to load the good rows anyway). "
        f"The table is unchanged; every rejected record is in load_errors.\n"
        f"First rejected records:\n{shown}"
    )
