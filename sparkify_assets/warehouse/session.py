"""One connection in one transaction, on one target: how every statement reaches the warehouse."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from sparkify_assets.copyjson import Column
from sparkify_assets.copyjson.convert import copy_text_row
from sparkify_assets.model.catalogue import columns_of
from sparkify_assets.model.days import Days
from sparkify_assets.model.sql import statement
from sparkify_assets.model.tables import Table
from sparkify_assets.model.targets import Target
from sparkify_assets.warehouse.table_state import TableState


class Session:
    """A transaction with the schema on its search path; statements come from `sql/` in the
    target's form."""

    def __init__(self, connection: Any, schema: str, target: Target) -> None:
        self.connection = connection
        self.cursor = connection.cursor()
        self.schema = schema
        self.target = target
        self._without_indexes: set[str] = set()  # tables whose indexes wait for their rows

    def prepare(self) -> None:
        """Make the schema exist and be the search path. SET is transactional: call this at the
        start of every transaction."""
        self.lock_creation()
        if self.schema != "public" and not self._schema_exists():
            self.execute("common/create_schema", schema=self.schema)
        self.execute("common/set_search_path", schema=self.schema)

    def _schema_exists(self) -> bool:
        row = self.fetch_one("common/schema_exists", {"schema": self.schema})
        return row is not None and row[0] > 0

    def begin_again(self) -> None:
        """Roll back everything so far and start a fresh transaction on the same connection,
        which keeps what the server knows about this session (Redshift's last COPY)."""
        self.connection.rollback()
        self._without_indexes.clear()  # the rollback put them back
        self.prepare()

    def sql(self, name: str, **identifiers: str) -> str:
        return statement(name, self.target, **identifiers)

    def execute(self, name: str, params: dict[str, Any] | None = None, **identifiers: str) -> None:
        self.cursor.execute(self.sql(name, **identifiers), params)

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

    def lock_creation(self, table: str | None = None, changing: bool = False) -> None:
        """Wait for any other run creating objects in this schema, and make the next one wait
        until this transaction ends, while the schema or `table` is missing or when `changing`
        an object: two runs creating one object at once would fail one of them. Nothing on a
        target without advisory locks (`Target.has_advisory_locks`)."""
        if not self.target.has_advisory_locks:
            return
        self.execute(
            "common/lock_creation", {"schema": self.schema, "table": table, "changing": changing}
        )

    def create(self, *tables: Table) -> None:
        for table in tables:
            self.lock_creation(table.name)
            self.cursor.execute(table.create_statement(self.target))

    def clear_for_rewrite(self, table: Table, days: Days) -> None:
        """Delete the rows about to be written again: a daily table's rows of `days`, else (or
        for the whole table) every row. Call `lock_for_rewrite` first.

        On PostgreSQL, a table rewritten whole is emptied with its indexes dropped, and
        `restore_indexes` builds each again in one sort once the rows are in: maintaining them
        row by row took half of songplays' build ("Remove Indexes",
        https://www.postgresql.org/docs/current/populate.html). Redshift has no indexes.

        The lock comes before a daily table's day index is made sure of: two runs that each
        built the index first (a share lock) would then wait for each other's lock forever.
        """
        column = table.day_column
        if column is None or days.whole_table:
            self.execute("common/delete_all", table=table.name)
            if self.target.has_indexes:
                self._drop_indexes(table)
            return
        if table.day_index is not None and self.target.has_indexes:
            self.execute(
                "common/day_index", index=table.day_index, table=table.name, column=column.name
            )
        self.execute(
            "common/delete_days", days.parameters(column), table=table.name, column=column.name
        )

    def _drop_indexes(self, table: Table) -> None:
        if table.day_index is not None:
            self.execute("common/drop_index", index=table.day_index)
        if table.key_column is not None:
            self.execute(
                "common/drop_primary_key", table=table.name, constraint=f"{table.name}_pkey"
            )
        self._without_indexes.add(table.name)

    def restore_indexes(self, table: Table) -> None:
        """Build again the indexes `clear_for_rewrite` dropped, once the table is filled."""
        if table.name not in self._without_indexes:
            return
        if table.key_column is not None:
            self.execute(
                "common/add_primary_key",
                table=table.name,
                constraint=f"{table.name}_pkey",
                column=table.key_column,
            )
        if table.day_column is not None and table.day_index is not None:
            self.execute(
                "common/day_index",
                index=table.day_index,
                table=table.name,
                column=table.day_column.name,
            )
        self._without_indexes.discard(table.name)

    def analyze(self, table: Table, days: Days, rows_written: int) -> None:
        """Fresh planner statistics once a table's rows are replaced, so that the statements and
        checks that read it next choose their joins from its real size.

        A daily table rewritten for a few days is analyzed on PostgreSQL only when they are a
        tenth of it (common/changed_enough.sql): sampling the whole table cost ten times a
        day's own work after a year of days, and grew with every day. Autovacuum analyzes it
        once small changes add up to a tenth; Redshift applies its own such rule to the ANALYZE
        it is sent.
        """
        partial = not days.whole_table and table.day_column is not None
        if partial and self.target is Target.LOCAL:
            row = self.fetch_one(
                "common/changed_enough",
                {"changed": rows_written, "schema": self.schema, "table": table.name},
            )
            if row is not None and not row[0]:
                return
        self.execute("common/analyze", table=table.name)

    def lock_for_rewrite(self, table: Table) -> None:
        """Lock out other writers of the table until commit (readers still read it)."""
        self.execute("common/lock_table", table=table.name)

    def recreate_if_changed(self, table: Table) -> bool:
        """Drop and create again a built table whose columns are not its DDL's (one made by an
        earlier version): its rows are derived, so the build that follows restores them.
        Whether it did."""
        present = [column.name for column in self.columns(table.name)]
        if present == [entry.name for entry in columns_of(table)]:
            return False
        self.lock_creation(changing=True)
        self.execute("common/drop_table", table=table.name)
        self.create(table)
        return True

    def ensure_function(self, name: str, statement_name: str) -> None:
        """Create or replace the function only when the server's differs from ours."""
        text = self.sql(statement_name)
        body = text[text.index("$$") + 2 : text.rindex("$$")]

        def differs() -> bool:
            row = self.fetch_one("functions/function_source", {"name": name, "schema": self.schema})
            return row is None or row[0] != body

        if differs():
            self.lock_creation(changing=True)
            if differs():  # again: another run may have replaced it meanwhile
                self.cursor.execute(text)

    def copy_rows(self, table: str, rows: Sequence[Sequence[Any]]) -> None:
        """Append rows with COPY FROM STDIN (PostgreSQL only)."""
        data = "".join(copy_text_row(row) for row in rows).encode("utf-8")
        self.cursor.copy_expert(self.sql("common/copy_from_stdin", table=table), BytesIO(data))

    def exists(self, table: str) -> bool:
        row = self.fetch_one("common/table_exists", {"schema": self.schema, "table": table})
        return row is not None and row[0] > 0

    def columns(self, table: str) -> list[Column]:
        return [
            Column(name, data_type, max_length)
            for name, data_type, max_length, _ in self.fetch_all(
                "common/columns", {"schema": self.schema, "table": table}
            )
        ]

    def text_widths(self, table: str) -> dict[str, int | None]:
        """Each column's width as the warehouse has it, in column order: an older table may be
        narrower than its DDL."""
        return {column.name: column.max_length for column in self.columns(table)}

    def state(self, table: str) -> TableState:
        row = self.fetch_one("common/count_rows", table=table)
        assert row is not None
        return TableState(table, row[0], self.columns(table))


CUT = "…"  # ends a text cut to fit its column


def fit_text(value: Any, width: int | None, target: Target) -> Any:
    """A text cut to its VARCHAR's width, ending in an ellipsis, so that a row recording what
    went wrong (a rejection) is kept whatever its length. Redshift counts the width in bytes,
    PostgreSQL in characters."""
    if not isinstance(value, str) or width is None or len(value) * 4 <= width:
        return value
    if target is Target.LOCAL:
        return value if len(value) <= width else value[: width - len(CUT)] + CUT
    encoded = value.encode("utf-8")
    if len(encoded) <= width:
        return value
    # Whole characters only: a cut inside one would leave invalid UTF-8.
    return encoded[: width - len(CUT.encode())].decode("utf-8", errors="ignore") + CUT
