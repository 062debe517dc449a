"""How the warehouse is reached: Redshift (with a password or IAM sign-in), a PostgreSQL URL,
or the embedded server; a failure to connect told in one line that never holds a secret; and
the server's part in a failed statement (gone, disk full, out of memory) found and named."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2

from sparkify_assets.model.sql import statement
from sparkify_assets.model.targets import RedshiftKind, Target
from sparkify_assets.warehouse.embedded import (
    NOT_READY_SECONDS,
    embedded_postgres_dsn,
    running_postmaster,
)
from sparkify_assets.warehouse.redshift_signin import SignInFailed, temporary_credentials

CONNECT_TIMEOUT = 15  # seconds
_RECOVERING = re.compile(r"the database system is (starting up|in recovery mode)")
# What libpq says, lower-cased, and the kind of failure it is: the one line a user reads.
_CONNECT_FAILURES = (
    ("connection refused", "connection refused (is the server running and listening there?)"),
    ("timeout expired", "timed out"),
    ("timed out", "timed out"),
    ("password authentication failed", "authentication failed (user or password)"),
    ("no password supplied", "authentication failed (no password given)"),
    ("authentication failed", "authentication failed"),
    ("no pg_hba.conf entry", "refused by the server's pg_hba.conf (this host, user, database)"),
    ("does not exist", "the database (or user) does not exist"),
    ("could not translate host name", "unknown host name"),
    ("name or service not known", "unknown host name"),
    ("no route to host", "no route to the host"),
    ("network is unreachable", "network unreachable"),
)


# SQLSTATEs that say the server, not the data or the SQL, stopped a statement or a session
# (https://www.postgresql.org/docs/current/errcodes-appendix.html), and what a user reads.
_SERVER_CAUSES = {
    "53100": "the warehouse's disk is full",
    "53200": "the warehouse server ran out of memory",
    "53300": "the warehouse server has no connection slot left",
    "57014": "the warehouse cancelled a statement (a statement timeout, or an administrator)",
    "57P01": "the warehouse server closed the connection",  # pg_terminate_backend, shutdown
    "57P02": "the warehouse server restarted after a crash",
    "57P03": "the warehouse server is starting or stopping",
    "57P05": "the warehouse server closed an idle connection",
}
# What libpq and psycopg2 say when a connection ends without the server saying why.
_CONNECTION_LOST = (
    "server closed the connection",
    "connection already closed",
    "could not receive data from server",
    "could not send data to server",
    "no connection to the server",
    "invalid socket",
    "ssl syscall error",
    "terminating connection",
)
# Text that names a cause where no SQLSTATE does (an error re-raised as text, Redshift's).
_CAUSES_IN_TEXT = (
    ("no space left on device", "53100"),
    ("out of memory", "53200"),
    ("terminating connection due to administrator command", "57P01"),
)

# A line of the embedded server's log that says why it ended a connection, and its message.
_LOG_CAUSE = re.compile(
    r"\b(?:LOG|FATAL|PANIC):\s+(?P<message>.*(?:terminated by signal|no space left|out of "
    r"memory|shutdown request|administrator command|PANIC).*)",
    re.I,
)


class WarehouseUnreachable(RuntimeError):
    """The configured warehouse refused or could not take a connection."""


@dataclass(frozen=True)
class IamSignIn:
    """Sign in to Redshift with temporary credentials for the caller's IAM identity."""

    kind: RedshiftKind
    name: str  # the cluster identifier or workgroup name
    database: str
    region: str


def connect_redshift(conn_args: dict[str, Any], sign_in: IamSignIn | None) -> Any:
    """A connection with dagster-aws's connection arguments; with `sign_in`, its user and
    password are temporary ones from AWS instead."""
    arguments = {**conn_args, "application_name": "sparkify"}
    if sign_in is not None:
        try:
            arguments["user"], arguments["password"] = temporary_credentials(
                sign_in.kind, sign_in.name, sign_in.database, sign_in.region
            )
        except SignInFailed as error:
            raise WarehouseUnreachable(str(error)) from None
    where = f"Redshift at {conn_args['host']}:{conn_args['port']} (REDSHIFT_HOST, REDSHIFT_PORT)"
    return _connect_with_secret(lambda: psycopg2.connect(**arguments), where)


def connect_url(url: str) -> Any:
    """A connection to the PostgreSQL of a postgresql:// URL (SPARKIFY_WAREHOUSE_URL), with a
    connect timeout unless the URL sets its own (`?connect_timeout=N`)."""
    parts = _dsn_parts(url)
    timeout = {} if "connect_timeout" in parts else {"connect_timeout": CONNECT_TIMEOUT}
    connection = _connect_with_secret(
        lambda: psycopg2.connect(url, application_name="sparkify", **timeout),
        f"the PostgreSQL at {_address_of(parts)} (SPARKIFY_WAREHOUSE_URL)",
    )
    _check_client_alive(connection)
    return connection


def connect_embedded(home: Path) -> Any:
    """A connection to the embedded PostgreSQL in `home`, started if it is not running; waited
    for while it recovers from a crashed backend (its pid file says "ready" meanwhile)."""
    deadline = time.monotonic() + NOT_READY_SECONDS
    while True:
        try:
            connection = psycopg2.connect(embedded_postgres_dsn(home), application_name="sparkify")
            break
        except psycopg2.OperationalError as error:
            if not _RECOVERING.search(str(error)) or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    _check_client_alive(connection)
    return connection


def first_line(error: BaseException) -> str:
    """A database error in one line: the driver's first, else the error's kind. Not for a
    failure to connect, whose text may hold the password (see _connect_with_secret)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def server_cause(error: BaseException, lost: Callable[[], str]) -> str | None:
    """The server's part in `error` or in the errors it was raised while handling (its cause,
    its context), first cause first: "the warehouse's disk is full (could not extend …)".
    `lost()` says why a connection ended that the server gave no reason for (is it up? its
    log). None when the server had no part: the data or the SQL is the cause, told as it is."""
    chain: list[BaseException] = []
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or error.__context__
    database_errors = [e for e in reversed(chain) if isinstance(e, psycopg2.Error)]
    for found in database_errors:  # the first raised first
        if cause := _named_cause(found.pgcode, _server_message(found)):
            return cause
    if any(phrase in str(e).lower() for e in database_errors for phrase in _CONNECTION_LOST):
        return lost()
    return None


def _named_cause(code: str | None, message: str) -> str | None:
    """ "<what happened> (<what the server said>)" for a SQLSTATE, or for words of the message
    where there is none; None for any other error."""
    code = code or next((c for text, c in _CAUSES_IN_TEXT if text in message.lower()), None)
    return f"{_SERVER_CAUSES[code]} ({message})" if code in _SERVER_CAUSES else None


class WarehouseFailed(RuntimeError):
    """The warehouse server, not the data or the SQL, ended a load or a build: the message
    names the first cause, then what it undid; the driver's error is chained."""


@contextmanager
def server_told(
    consequence: str, log: Path | None, connection: Callable[[], AbstractContextManager[Any]]
) -> Iterator[None]:
    """A database error the server caused (gone, disk full, …) raised again as
    WarehouseFailed, "<first cause>: <consequence>", not as what psycopg2 said last. `log` is
    the embedded server's log, None for another server (see `connection_ended`)."""
    log_from = log_size(log)
    try:
        yield
    except psycopg2.Error as error:
        cause = server_cause(error, lambda: connection_ended(log, log_from, connection))
        if cause is None:
            raise
        raise WarehouseFailed(f"{cause}: {consequence}") from error


def log_size(log: Path | None) -> int:
    """Where the server's log ends now: what it says after this is about what follows."""
    with suppress(OSError):
        return log.stat().st_size if log is not None else 0
    return 0


def connection_ended(
    log: Path | None, log_from: int, connection: Callable[[], AbstractContextManager[Any]]
) -> str:
    """Why the server ended a connection without saying why. The embedded server (`log`): is
    it running, and the first reason its log gave after `log_from` (a signal, a full disk).
    Another server: does a new `connection()` get in, else why not (refused, timed out)."""
    lost = "the warehouse server closed the connection unexpectedly"
    if log is None:
        try:
            with connection():
                return f"{lost} (it takes connections again)"
        except WarehouseUnreachable as error:
            return f"{lost}, and it is down: {error}"
    said: list[str] = []
    with suppress(OSError), log.open("rb") as lines:
        lines.seek(log_from)
        text = lines.read().decode(errors="replace")
        said = [found["message"].strip() for found in _LOG_CAUSE.finditer(text)]
    if said and (cause := _named_cause(None, said[0])):
        return cause
    up = running_postmaster(log.parent) is not None
    state = "it takes connections again" if up else "it is not running"
    return f"{lost} ({state}; its log: {said[0]})" if said else f"{lost} ({state})"


def _server_message(error: psycopg2.Error) -> str:
    """What the server said, without libpq's lines about the connection that follow it."""
    primary = error.diag.message_primary if error.pgcode else None
    return primary or first_line(error)


def _connect_with_secret(connect: Callable[[], Any], where: str) -> Any:
    try:
        return connect()
    except psycopg2.Error as error:
        # libpq may quote the parts of a DSN it can't parse, password included: say only
        # what kind of failure it was, never the driver's text.
        raise WarehouseUnreachable(f"cannot connect to {where}: {_why(error)}") from None


def _check_client_alive(connection: Any) -> None:
    """Have PostgreSQL (14 and later) check every second that the client is still there: a run
    killed mid-statement would otherwise keep its locks until that statement ended. A server
    that refuses the setting (one behind a pooler, say) simply goes without."""
    if connection.server_version < 140000:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement("common/check_client_alive", Target.LOCAL))
        connection.commit()
    except psycopg2.Error:
        connection.rollback()


def _dsn_parts(url: str) -> dict[str, str]:
    """libpq's reading of a connection URL; empty when it can't read it (connecting says why)."""
    try:
        return psycopg2.extensions.parse_dsn(url)
    except psycopg2.ProgrammingError:
        return {}


def _address_of(parts: dict[str, str]) -> str:
    """host:port/database of a connection URL's parts, never its user or password. A URL whose
    password holds an unescaped `@`, `/` or `:` parses into odd parts that may carry some of
    it: then nothing of the URL is shown."""
    if not parts:
        return "an address that is not a valid postgresql:// URL"
    host, port = parts.get("host", "localhost"), parts.get("port", "5432")
    database = parts.get("dbname", "")
    socket = host.startswith("/")  # a Unix socket's directory
    if (
        not port.isdigit()
        or set(database) & set("@:/ ")
        or set(host) & set("@: " if socket else "@:/ ")
    ):
        return "an address not shown (the URL may hold a password written unescaped)"
    return f"the socket in {host}/{database}" if socket else f"{host}:{port}/{database}"


def _why(error: psycopg2.Error) -> str:
    text = str(error).lower()
    for phrase, kind in _CONNECT_FAILURES:
        if phrase in text:
            return kind
    return f"{type(error).__name__} (check the host, port, user, password and database)"
