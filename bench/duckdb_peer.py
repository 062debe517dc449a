"""DuckDB as the yardstick: the same files read by its own JSON reader, and the project's own
star statements run on the same staged rows, with every row compared.

The star statements are read from `sql/star/` as the warehouse reads them (others change them;
a copy here would drift) and run unchanged but for DIALECT's rewrites, into tables made from the
project's own DDL (primary keys included, so both engines maintain an index). DuckDB is
set to PostgreSQL's NULL order, and the embedded server's C collation sorts text by bytes as
DuckDB does, so the tie rules pick the same rows. `f_repair_text` becomes a DuckDB macro of the
very expression `sql/functions/repair_text.sql` installs, which test_repair_text.py generates
from its list of covered characters and checks that file against: one mapping, not a copy.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg2

from sparkify_assets.model.days import Days
from sparkify_assets.model.sql import read_sql, statement
from sparkify_assets.model.tables import STAGING_TABLES, STAR_TABLES, StarTable
from sparkify_assets.model.targets import Target
from sparkify_assets.sample.generate import LOG_KEYS

EVENTS, SONGS = STAGING_TABLES
DIALECT = (
    # DuckDB multiplies an INTERVAL by a 32-bit integer only; epoch milliseconds need 64 bits.
    (re.compile(r"([\w.]+) \* INTERVAL '1 millisecond'"), r"to_milliseconds(\1)"),
    # DuckDB's one-argument TRIM, LTRIM and RTRIM strip Unicode spaces too (U+00A0 ends some
    # damaged titles); PostgreSQL's and Redshift's strip the blank only: see PG_TRIMS.
    (re.compile(r"\b(TRIM|LTRIM|RTRIM)\(", re.I), r"pg_\1("),
    # psycopg2's %(name)s parameters are DuckDB's $name.
    (re.compile(r"%\((\w+)\)s"), r"$\1"),
)
PG_TRIMS = tuple(
    f"CREATE MACRO pg_{name}(text) AS {name}(text, ' ')" for name in ("trim", "ltrim", "rtrim")
)
_FUNCTION = re.compile(r"AS \$\$\s*SELECT\s+(?P<body>.*?)\s*\$\$\s*LANGUAGE sql", re.S | re.I)
EXAMPLES = 5  # differing rows shown when the engines disagree

DUCK_EVENT_TYPES = {
    "artist": "VARCHAR", "auth": "VARCHAR", "firstName": "VARCHAR", "gender": "VARCHAR",
    "itemInSession": "INTEGER", "lastName": "VARCHAR", "length": "DOUBLE", "level": "VARCHAR",
    "location": "VARCHAR", "method": "VARCHAR", "page": "VARCHAR", "registration": "DOUBLE",
    "sessionId": "INTEGER", "song": "VARCHAR", "status": "SMALLINT", "ts": "BIGINT",
    "userAgent": "VARCHAR", "userId": "VARCHAR",  # "" for logged-out events: cast below
}  # fmt: skip
DUCK_SONG_TYPES = {
    "num_songs": "INTEGER", "artist_id": "VARCHAR", "artist_latitude": "DOUBLE",
    "artist_longitude": "DOUBLE", "artist_location": "VARCHAR", "artist_name": "VARCHAR",
    "song_id": "VARCHAR", "title": "VARCHAR", "duration": "DOUBLE", "year": "INTEGER",
}  # fmt: skip


def _connect(path: Path) -> Any:
    """An on-disk DuckDB database with the settings both measures share."""
    import duckdb

    path.unlink(missing_ok=True)
    connection = duckdb.connect(str(path))
    # DuckDB's advice for bulk work; with insertion order kept (the default), reading 100 k
    # one-object song files took 3x longer here. Neither the loader nor the star keeps order.
    connection.execute("SET preserve_insertion_order = false")
    # PostgreSQL's rule where a query leaves it open: NULLs sort as the largest value.
    connection.execute("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")
    return connection


def _facts(connection: Any) -> dict[str, Any]:
    import duckdb

    threads = connection.execute("SELECT current_setting('threads')").fetchone()[0]
    return {"threads": threads, "version": duckdb.__version__}


# --- staging: DuckDB's read_json of the same files ---------------------------------------------


def read_json_load(data: Path, scratch: Path, event_columns: list[str]) -> dict[str, Any]:
    """The same files into typed DuckDB tables with `read_json` (explicit columns), in an on-disk
    database, CHECKPOINTed so the rows are as durable as PostgreSQL's committed ones."""
    path = scratch / "read_json.duckdb"
    connection = _connect(path)
    try:
        selected = ", ".join(
            f"CAST(NULLIF({key}, '') AS INTEGER) AS {column}"
            if key == "userId"
            else f"{key} AS {column}"
            for key, column in zip(LOG_KEYS, event_columns, strict=True)
        )
        statements = {
            EVENTS.name: f"CREATE TABLE {EVENTS.name} AS SELECT {selected} FROM read_json("
            f"'{data / EVENTS.prefix}/**/*.json', format = 'newline_delimited', "
            f"columns = {_duck_struct(DUCK_EVENT_TYPES)})",
            SONGS.name: f"CREATE TABLE {SONGS.name} AS SELECT * FROM read_json("
            f"'{data / SONGS.prefix}/**/*.json', format = 'newline_delimited', "
            f"columns = {_duck_struct(DUCK_SONG_TYPES)})",
        }
        result: dict[str, Any] = _facts(connection)
        for table, sql in statements.items():
            started = time.perf_counter()
            connection.execute(sql)
            connection.execute("CHECKPOINT")
            seconds = time.perf_counter() - started
            rows = connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            result[table] = {"seconds": seconds, "rows": rows}
    finally:
        connection.close()
    path.unlink(missing_ok=True)
    return result


def _duck_struct(types: dict[str, str]) -> str:
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in types.items()) + "}"


# --- star: the project's statements on the same staged rows ------------------------------------


def repair_text_macro() -> str:
    """`f_repair_text` as a DuckDB macro: the body of the project's SQL function, verbatim."""
    found = _FUNCTION.search(read_sql("functions/repair_text"))
    if found is None:
        raise SystemExit(
            "sql/functions/repair_text.sql is no longer `AS $$ SELECT <expression> $$ LANGUAGE "
            "sql`: bench/duckdb_peer.py can't make its DuckDB macro"
        )
    return f"CREATE MACRO f_repair_text(text) AS ({found['body'].replace('$1', 'text')})"


def star_statements(table: StarTable) -> list[tuple[str, dict[str, Any]]]:
    """What `rebuild` runs for a whole build of the table, in DuckDB's dialect, each statement
    with its parameters as `rebuild` gives them (every day): a DELETE of every row unless the
    table is refreshed row by row, then the table's own statements in their order
    (`BuiltTable.statements`: the temporary tables it prepares, its refresh, its INSERT).
    `rebuild` also ANALYZEs each temporary table, which DuckDB has no need of."""
    given = Days.ALL.parameters(table.day_column)
    statements = [] if table.refreshed_by else [(f"DELETE FROM {table.name}", {})]
    for name in table.statements:
        sql = statement(name, Target.LOCAL)
        used = set(re.findall(r"%\((\w+)\)s", sql))
        for pattern, replacement in DIALECT:
            sql = pattern.sub(replacement, sql)
        statements.append((sql, {key: given[key] for key in used}))
    return statements


def export_csv(dsn: str, table: str, path: Path) -> None:
    """A table's rows as CSV, every value quoted, so an unquoted empty field is NULL and a
    quoted one an empty string (untimed)."""
    connection = psycopg2.connect(dsn, application_name="sparkify-bench")
    try:
        with path.open("wb") as handle:
            connection.cursor().copy_expert(
                f"COPY {table} TO STDOUT (FORMAT csv, HEADER, FORCE_QUOTE *)", handle, size=1 << 20
            )
    finally:
        connection.close()


def _import_csv(connection: Any, table: str, path: Path) -> int:
    connection.execute(f"COPY {table} FROM '{path}' (FORMAT csv, HEADER, ALLOW_QUOTED_NULLS false)")
    path.unlink()
    return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def star_peer(dsn: str, scratch: Path, say: Callable[[str], None]) -> dict[str, Any]:
    """Build the five star tables in DuckDB from PostgreSQL's staged rows and compare every row
    with PostgreSQL's star tables. Only the builds are timed: each table's statements (see
    star_statements; on empty tables, as a first build) and a `CHECKPOINT`, which makes the
    rows as durable as a committed rebuild."""
    path = scratch / "star.duckdb"
    connection = _connect(path)
    try:
        result: dict[str, Any] = {**_facts(connection), "tables": {}}
        for table in (*STAGING_TABLES, *STAR_TABLES):
            connection.execute(table.create_statement(Target.LOCAL))
        for macro in (*PG_TRIMS, repair_text_macro()):
            connection.execute(macro)
        for table in STAGING_TABLES:
            export_csv(dsn, table.name, scratch / f"{table.name}.csv")
            result[table.name] = _import_csv(connection, table.name, scratch / f"{table.name}.csv")
        connection.execute("CHECKPOINT")
        for table in STAR_TABLES:
            statements = star_statements(table)
            started = time.perf_counter()
            for sql, parameters in statements:
                connection.execute(sql, parameters)
            connection.execute("CHECKPOINT")
            seconds = time.perf_counter() - started
            result["tables"][table.name] = {"seconds": seconds}
            say(f"  DuckDB {table.name}: {seconds:.2f} s")
        for table in STAR_TABLES:
            result["tables"][table.name].update(_compare(connection, dsn, table.name, scratch))
    finally:
        connection.close()
    path.unlink(missing_ok=True)
    return result


def _compare(connection: Any, dsn: str, table: str, scratch: Path) -> dict[str, Any]:
    """PostgreSQL's rows of `table` against DuckDB's, as multisets: EXCEPT ALL both ways."""
    theirs = f"pg_{table}"
    connection.execute(f"CREATE TABLE {theirs} AS SELECT * FROM {table} LIMIT 0")
    export_csv(dsn, table, scratch / f"{theirs}.csv")
    postgres_rows = _import_csv(connection, theirs, scratch / f"{theirs}.csv")
    only = {}
    for name, first, second in (("only_postgres", theirs, table), ("only_duckdb", table, theirs)):
        query = f"SELECT * FROM {first} EXCEPT ALL SELECT * FROM {second}"
        count = connection.execute(f"SELECT COUNT(*) FROM ({query})").fetchone()[0]
        examples = connection.execute(f"{query} LIMIT {EXAMPLES}").fetchall() if count else []
        only[name] = {"rows": count, "examples": [[str(v) for v in row] for row in examples]}
    duckdb_rows = connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    connection.execute(f"DROP TABLE {theirs}")
    return {"rows": duckdb_rows, "postgres_rows": postgres_rows, **only}


def differences(peer: dict[str, Any]) -> list[str]:
    """What the engines disagree on, one line per table (none when every row is the same)."""
    lines = []
    for table, got in peer["tables"].items():
        for side in ("only_postgres", "only_duckdb"):
            if got[side]["rows"]:
                shown = "; ".join(" | ".join(row) for row in got[side]["examples"])
                lines.append(f"{table}: {got[side]['rows']:,} rows {side} (e.g. {shown})")
    return lines
