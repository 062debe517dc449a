"""A stand-in for a psycopg2 connection to Redshift, for tests without AWS: it records every
statement exactly as psycopg2 would send it (parameters quoted by psycopg2's own adapters), each
commit and rollback, and which Dagster step sent it; queries get plausible canned answers."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg2
from dagster import ExecuteInProcessResult, OpExecutionContext
from psycopg2.extensions import QuotedString, adapt

from sparkify_assets.config.settings import Settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.catalogue import columns_of
from sparkify_assets.model.tables import ALL_TABLES
from sparkify_assets_tests.support.sql_text import without_comments

COMMIT = "COMMIT"
ROLLBACK = "ROLLBACK"
CONNECT = "CONNECT"
SESSION_ID = 1073  # pg_backend_pid() of every recorded connection
# The environment of a user of the Redshift target (conftest's `redshift_env`).
PASSWORD = "Sup3r-Secret-Pw9"
ROLE = "arn:aws:iam::123456789012:role/sparkify-redshift-s3-read"
HOST = "sparkify.c0ffee.us-west-2.redshift.amazonaws.com"
REDSHIFT_ENV = {
    "SPARKIFY_TARGET": "redshift",
    "REDSHIFT_HOST": HOST,
    "REDSHIFT_DB": "sparkify",
    "REDSHIFT_USER": "sparkify",
    "REDSHIFT_PASSWORD": PASSWORD,
    "SPARKIFY_IAM_ROLE_ARN": ROLE,
    "SPARKIFY_SOURCE": "s3://udacity-dend",
    "SPARKIFY_FIRST_DAY": "2018-11-01",  # both ends given: no listing of the bucket here
    "SPARKIFY_LAST_DAY": "2018-11-30",
}


@dataclass(frozen=True)
class Recorded:
    step: str  # the Dagster step that sent it, or "" outside a run
    connection: int  # the connection's number, in order of opening
    text: str  # a statement as sent, or CONNECT / COMMIT / ROLLBACK


def _answers(
    rows_per_table: int, copy_rejected: int, copy_query_id: int | None, rows_of_no_day: int
) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Canned results, by the first pattern the statement matches."""
    load_history = (
        []
        if copy_query_id is None
        else [
            (
                copy_query_id,
                "aborted" if copy_rejected else "completed",
                rows_per_table,
                3,
                copy_rejected,
            )
        ]
    )
    return [
        (r"^\s*(--[^\n]*\n\s*)*SELECT pg_backend_pid\(\)", [(SESSION_ID,)]),
        (r"FROM sys_load_history", load_history),
        (r"FROM information_schema\.tables", [(1,)]),
        (r"FROM pg_namespace", [(1,)]),
        (r"COUNT\(\*\) - COUNT\(", [(rows_per_table, 0, 0)]),  # key profile
        (r"AS orphans", []),
        (r"FROM load_history", [("load", rows_per_table, rows_per_table, 0, 0, None, None)]),
        (r"unplaceable_events", [(rows_per_table, rows_per_table, 0)]),
        (r"COUNT\(song_id\) AS matched", [(rows_per_table, rows_per_table // 2)]),
        (r"AS counted", [(rows_per_table, rows_per_table)]),
        (  # a load's rejections by file (assets/figures.py)
            r"SELECT filename, COUNT\(\*\)\s+FROM load_errors",
            [("s3://bucket/log_data/2018/11/2018-11-05-events.json", 1)],
        ),
        (
            r"FROM load_errors\s+WHERE load_id",
            [
                (
                    "s3://bucket/log_data/bad.json",
                    7,
                    1207,
                    "Invalid digit",
                    "{}",
                    "userid",
                    "int4",
                    "x",
                )
            ],
        ),
        (r'COUNT\(\*\) FROM "\w+"\s+WHERE "\w+" IS NULL OR', [(rows_of_no_day,)]),
        (r"^\s*(--[^\n]*\n\s*)*SELECT COUNT\(\*\) FROM", [(rows_per_table,)]),
    ]


@dataclass
class Recorder:
    """Every statement of every connection opened while it is installed, in order."""

    rows_per_table: int = 100
    copy_rejected: int = 0  # rejected records Redshift reports for the last COPY
    copy_query_id: int | None = 4242  # the COPY's in SYS_LOAD_HISTORY; None: it has no row
    rows_of_no_day: int = 0  # loaded rows outside the days a load is for
    fail_when: Callable[[str], bool] = lambda text: False  # statements that raise
    failure: str = "Load into table failed. Check 'stl_load_errors' system table for details."
    log: list[Recorded] = field(default_factory=list)
    connect_kwargs: list[dict[str, Any]] = field(default_factory=list)
    # Scripted answers, consulted before the built-in ones: the first whose pattern the statement
    # matches answers it, once (then it is used up); an exception there is raised instead.
    answers: list[tuple[str, list[tuple[Any, ...]] | Exception]] = field(default_factory=list)

    def connect(self, *args: Any, **kwargs: Any) -> RecordingConnection:
        self.connect_kwargs.append(kwargs)
        number = len(self.connect_kwargs)
        self._record(number, CONNECT)
        return RecordingConnection(self, number)

    def statements(self, step: str | None = None) -> list[str]:
        return [
            r.text
            for r in self.log
            if (step is None or r.step == step) and r.text not in (CONNECT, COMMIT, ROLLBACK)
        ]

    def steps(self) -> list[str]:
        return list(dict.fromkeys(r.step for r in self.log))

    def copy_statement(self, step: str | None = None) -> str:
        """The first COPY sent (by the step), without its comments."""
        return next(
            text for text in map(without_comments, self.statements(step)) if text.startswith("COPY")
        )

    def _record(self, connection: int, text: str) -> None:
        self.log.append(Recorded(_current_step(), connection, text))

    def _answer(self, text: str) -> list[tuple[Any, ...]]:
        if (scripted := self._scripted_answer(text)) is not None:
            return scripted
        if columns_of := re.search(r"information_schema\.columns[\s\S]*table_name = '(\w+)'", text):
            return _columns(columns_of.group(1))
        for pattern, rows in _answers(
            self.rows_per_table, self.copy_rejected, self.copy_query_id, self.rows_of_no_day
        ):
            if re.search(pattern, text):
                return rows
        return []

    def _scripted_answer(self, text: str) -> list[tuple[Any, ...]] | None:
        for index, (pattern, answer) in enumerate(self.answers):
            if re.search(pattern, text):
                del self.answers[index]
                if isinstance(answer, Exception):
                    raise answer
                return answer
        return None


class RecordingConnection:
    def __init__(self, recorder: Recorder, number: int) -> None:
        self.recorder = recorder
        self.number = number

    def cursor(self) -> RecordingCursor:
        return RecordingCursor(self)

    def commit(self) -> None:
        self.recorder._record(self.number, COMMIT)

    def rollback(self) -> None:
        self.recorder._record(self.number, ROLLBACK)

    def close(self) -> None:
        pass


class RecordingCursor:
    def __init__(self, connection: RecordingConnection) -> None:
        self.connection = connection
        self.rows: list[tuple[Any, ...]] = []
        self.rowcount = -1

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> None:
        recorder = self.connection.recorder
        text = sql % {key: _quoted(value) for key, value in params.items()} if params else sql
        recorder._record(self.connection.number, text)
        if recorder.fail_when(text):
            raise psycopg2.InternalError(recorder.failure)
        self.rows = recorder._answer(text)
        self.rowcount = len(self.rows)
        self.description = [_ResultColumn(name) for name in _result_names(text)]

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self.rows)

    def copy_expert(self, sql: str, file: Any, size: int = 8192) -> None:
        raise AssertionError(f"Redshift has no COPY FROM STDIN, yet it was sent: {sql}")


@dataclass(frozen=True)
class _ResultColumn:
    """What DB-API's cursor.description says of a result column that code reads: its name."""

    name: str


def _result_names(text: str) -> list[str]:
    """The names of a SELECT's result columns: each item of its select list, by its alias or
    its last word (the statements here name every computed column)."""
    body = without_comments(text)
    match = re.match(r"\s*SELECT\s", body, re.IGNORECASE)
    if match is None:
        return []
    items, depth, start = [], 0, match.end()
    for index in range(match.end(), len(body)):
        character = body[index]
        depth += {"(": 1, ")": -1}.get(character, 0)
        at_from = depth == 0 and re.match(r"\sFROM\s", body[index : index + 6], re.IGNORECASE)
        if depth == 0 and (character == "," or at_from):
            items.append(body[start:index])
            start = index + 1
            if at_from:
                break
    return [(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", item) or [item.strip()])[-1] for item in items]


def _columns(table: str) -> list[tuple[Any, ...]]:
    """The table's columns as information_schema.columns lists them, from its DDL (the
    catalogue's reading of it; an incoming table has its own table's)."""
    [table_def] = [t for t in ALL_TABLES if table in (t.name, f"{t.name}_incoming")]
    return [(c.name, c.data_type.lower(), None, "YES") for c in columns_of(table_def)]


def _quoted(value: Any) -> str:
    if isinstance(value, str):
        quoted = QuotedString(value)
        quoted.encoding = "utf-8"
        return quoted.getquoted().decode("utf-8")
    return adapt(value).getquoted().decode("utf-8")


def run(job: str = "sparkify_etl") -> ExecuteInProcessResult:
    """A job of the definitions the environment (conftest's `redshift_env`) gives, run in this
    process to the end, failed steps or not."""
    defs = build_definitions(Settings.from_env(os.environ))
    return defs.resolve_job_def(job).execute_in_process(raise_on_error=False)


def _current_step() -> str:
    try:
        return OpExecutionContext.get().get_step_execution_context().step.key
    except Exception:  # outside a Dagster run
        return ""
