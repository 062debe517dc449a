"""How the warehouse is reached: Redshift (with a password or IAM sign-in), a PostgreSQL URL,
or the embedded server; and a failure to connect told in one line that never holds a secret."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2

from ..sql import statement
from ..targets import RedshiftKind, Target
from .embedded import embedded_postgres_dsn
from .redshift_signin import SignInFailed, temporary_credentials

CONNECT_TIMEOUT = 15  # seconds
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
    """A connection to the embedded PostgreSQL in `home`, started if it is not running."""
    connection = psycopg2.connect(embedded_postgres_dsn(home), application_name="sparkify")
    _check_client_alive(connection)
    return connection


def first_line(error: BaseException) -> str:
    """A database error in one line: the driver's first, else the error's kind. Not for a
    failure to connect, whose text may hold the password (see _connect_with_secret)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


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
