"""How the text of one environment variable becomes a value, or a SettingsError that names the
variable, its value (never a secret's) and what it must be: the readers settings.py builds the
settings with."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from sparkify_assets.model.sql import SqlTemplateError, quote_identifier

Number = TypeVar("Number", int, float)
Choice = TypeVar("Choice", bound=StrEnum)
_KIND_NAMES = {int: "whole number", float: "number"}
# A bucket (legacy names included), then any printable ASCII but a quote or a backslash.
_S3_URI = re.compile(r"s3://[A-Za-z0-9._-]{3,63}(/[!-&(-\[\]-~]*)?")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
_ENDPOINT_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?(/[!-~]*)?")
_WEBHOOK_URL = re.compile(r"https?://[!-~]+")  # printable ASCII, no spaces: checked further
# The days a partition may be: Dagster names them YYYY-MM-DD (four digits), and this is far
# wider than any feed's.
FIRST_POSSIBLE_DAY, LAST_POSSIBLE_DAY = date(1900, 1, 1), date(2999, 12, 31)
_SCHEMA_RANGE = (
    "1-63 lower-case letters, digits and _, starting with a letter or _, and neither pg_… nor "
    "information_schema (PostgreSQL's own)"
)


class SettingsError(ValueError):
    """An environment variable holds a value the pipeline can't use."""


def read_choice(environ: Mapping[str, str], name: str, choices: type[Choice]) -> Choice | None:
    """One of an enumeration's values, or None when the variable is unset."""
    text = environ.get(name) or ""
    if text and text not in set(choices):
        raise SettingsError(f"{name}={text!r} must be one of {', '.join(choices)}")
    return choices(text) if text else None


def read_schema(schema: str) -> str:
    """A schema name both targets take as it is, quoted or not, that is not the server's own."""
    try:
        quote_identifier(schema)
    except SqlTemplateError:
        raise SettingsError(f"SPARKIFY_SCHEMA={schema!r} must be {_SCHEMA_RANGE}") from None
    if schema.startswith("pg_") or schema == "information_schema":
        raise SettingsError(f"SPARKIFY_SCHEMA={schema!r} must be {_SCHEMA_RANGE}")
    return schema


def read_folder(name: str, text: str, forbidden: str = "") -> Path:
    """A folder's path, absolute: any character a file name may hold but a control character
    (a newline would split postmaster.pid's lines) or bytes that are not UTF-8 (no driver
    can send them), and not a file."""
    odd = [c for c in text if unicodedata.category(c) in {"Cc", "Cs"} or c in forbidden]
    if odd:
        also = f", or {forbidden!r}" if forbidden else ""
        raise SettingsError(
            f"{name}={text!r} holds {odd[0]!r}: a folder's path may hold any character but "
            f"a control character, bytes that are not UTF-8{also}"
        )
    path = Path(text).expanduser().absolute()
    if path.exists() and not path.is_dir():
        raise SettingsError(f"{name}={text!r} is a file, not a folder")
    return path


def read_source(environ: Mapping[str, str], default: str) -> str:
    """An s3:// URI as given; a directory made absolute, so that every process of a run (the
    code server, the run worker) reads the same one."""
    location = environ.get("SPARKIFY_SOURCE") or default
    if location.startswith("s3://"):
        return location
    return str(read_folder("SPARKIFY_SOURCE", location))


def warehouse_url_is_set(environ: Mapping[str, str]) -> bool:
    """Whether SPARKIFY_WAREHOUSE_URL is set; refused, without its value (it may hold a
    password), unless libpq reads it as a postgresql:// URL."""
    import psycopg2.extensions

    url = environ.get("SPARKIFY_WAREHOUSE_URL") or ""
    if not url:
        return False
    try:
        parts = psycopg2.extensions.parse_dsn(url)
    except psycopg2.ProgrammingError:
        parts = {}
    port = parts.get("port", "5432")
    if (
        not url.startswith(("postgresql://", "postgres://"))
        or not parts
        or not (port.isdigit() and 1 <= int(port) <= 65535)
    ):
        raise SettingsError(
            "SPARKIFY_WAREHOUSE_URL (not shown: it may hold a password) must be a URL "
            "postgresql://user:password@host:port/database (special characters %-escaped)"
        )
    return True


def read_endpoint_url(environ: Mapping[str, str], name: str) -> str | None:
    """An http(s) URL we reach (an S3 endpoint, the UI), or None: a typo fails at start, not at
    the first request."""
    url = environ.get(name) or None
    if url is not None and not _ENDPOINT_URL.fullmatch(url):
        raise SettingsError(
            f"{name}={url!r} must be an http:// or https:// URL: a host name, an optional "
            ":port and path, printable ASCII without spaces"
        )
    return url


def read_alert_file(environ: Mapping[str, str]) -> Path | None:
    """A file to append to, absolute (the code server's folder decides a relative one). Its
    folder must exist: it is not created, so a mistyped path fails here, not silently later."""
    text = environ.get("SPARKIFY_ALERT_FILE") or ""
    if not text:
        return None
    path = Path(text).expanduser().absolute()
    if path.is_dir():
        raise SettingsError(f"SPARKIFY_ALERT_FILE={text!r} is a folder: name a file in it")
    if not path.parent.is_dir():
        raise SettingsError(
            f"SPARKIFY_ALERT_FILE={text!r}: its folder {str(path.parent)!r} does not exist"
        )
    return path


def read_webhook_url(environ: Mapping[str, str]) -> str | None:
    """An http(s) URL with a host; refused without showing it, as its path or query (and a
    user:password before the host) may hold a token."""
    url = environ.get("SPARKIFY_ALERT_WEBHOOK_URL") or None
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        valid = bool(_WEBHOOK_URL.fullmatch(url) and parts.hostname and parts.port != 0)
    except ValueError:  # a port that is not a number from 0 to 65535
        valid = False
    if not valid:
        raise SettingsError(
            "SPARKIFY_ALERT_WEBHOOK_URL (not shown: it may hold a token) must be an http:// or "
            "https:// URL with a host, printable ASCII without spaces"
        )
    return url


def read_s3_uri(environ: Mapping[str, str], name: str) -> str:
    """An s3:// URI that reaches Redshift's COPY. It is a bound parameter there; it is also
    refused here if it holds a quote, a backslash, a space or a control character, so that no
    driver's quoting rules ever matter."""
    uri = environ.get(name) or ""
    if not _S3_URI.fullmatch(uri):
        raise SettingsError(
            f"{name}={uri!r} must be s3://bucket/prefix: a bucket name, then printable ASCII "
            "without quotes, backslashes or spaces"
        )
    return uri


def read_day(environ: Mapping[str, str], name: str, default: str) -> date | None:
    """A day YYYY-MM-DD that Dagster can name as a partition, or None when unset."""
    text = environ.get(name) or default
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not FIRST_POSSIBLE_DAY <= day <= LAST_POSSIBLE_DAY:
        raise SettingsError(
            f"{name}={text!r} must be a day YYYY-MM-DD from {FIRST_POSSIBLE_DAY} to "
            f"{LAST_POSSIBLE_DAY}"
        )
    return day


def read_region(environ: Mapping[str, str], name: str, default: str) -> str:
    """An AWS region's name, by its shape: a typo fails here, not as an unreachable endpoint."""
    region = environ.get(name) or default
    if not _REGION.fullmatch(region):
        raise SettingsError(f"{name}={region!r} is not an AWS region name (e.g. us-west-2)")
    return region


def read_number(
    environ: Mapping[str, str],
    name: str,
    default: str,
    kind: type[Number],
    low: Number,
    high: Number,
) -> Number:
    """A number of `kind` from `low` to `high`; `default` when unset."""
    text = environ.get(name) or default
    try:
        value = kind(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r} is not a {_KIND_NAMES[kind]}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}={text!r} must be between {low} and {high}")
    return value


def read_flag(environ: Mapping[str, str], name: str) -> bool:
    """true/false, 1/0 or yes/no, in any case; false when unset."""
    text = (environ.get(name) or "false").strip().lower()
    if text in {"1", "true", "yes"}:
        return True
    if text in {"0", "false", "no", ""}:
        return False
    raise SettingsError(f"{name}={text!r} must be true or false")
