"""The SPARKIFY_* environment variables (the public contract, documented in README.md) are
read and validated here (each value by a reader of environment.py) and nowhere else, so a bad
value fails early with the variable's name."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sparkify_assets.config.dwh_cfg import DwhConfigError, fill_from_dwh_cfg
from sparkify_assets.config.environment import (
    FIRST_POSSIBLE_DAY,
    LAST_POSSIBLE_DAY,
    SettingsError,
    read_alert_file,
    read_choice,
    read_day,
    read_endpoint_url,
    read_flag,
    read_folder,
    read_number,
    read_region,
    read_s3_uri,
    read_schema,
    read_source,
    read_webhook_url,
    warehouse_url_is_set,
)
from sparkify_assets.model.paths import DEFAULT_HOME
from sparkify_assets.model.targets import RedshiftKind, Target
from sparkify_assets.warehouse.redshift_signin import Endpoint, read_endpoint

REDSHIFT_MAXERROR_LIMIT = 100_000
# Needed with SPARKIFY_TARGET=redshift; resources read them through Dagster's EnvVar at run time,
# so neither the run config nor the UI ever holds their values. REDSHIFT_USER goes with
# REDSHIFT_PASSWORD; without a password the pipeline signs in with IAM.
REDSHIFT_VARIABLES = ("REDSHIFT_HOST", "REDSHIFT_DB", "SPARKIFY_IAM_ROLE_ARN")
_IAM_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
_AWS_NAME = re.compile(r"[a-z][a-z0-9-]{0,63}")  # a cluster identifier or a workgroup name
# Dagster records a run of a range of days one event per day and per asset before its first
# step starts, and again as the steps end: 24 s for a year's days, 64 s for two years, 189 s
# for ten, hours for 8,000 years (measured on a 2-core machine). Ten years is the bound:
# `sparkify run` says how long that wait will be before it starts.
MAX_PARTITION_DAYS = 3_660
OPEN_END = "SPARKIFY_LAST_DAY (unset: yesterday)"
# The embedded server's data directory (`<home>/pgdata/…`) must stay under PostgreSQL's
# MAXPGPATH (1024 bytes) with its deepest file's path inside it.
MAX_EMBEDDED_HOME_BYTES = 900


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
            region=read_region(environ, "SPARKIFY_REGION", "us-west-2"),
            poll_seconds=read_number(
                environ, "SPARKIFY_CLUSTER_POLL_SECONDS", "15", float, 0, 3600
            ),
            s3_source=source if source.startswith("s3://") else None,
            manifest_location=environ.get("SPARKIFY_MANIFEST_LOCATION") or None,
        )


@dataclass(frozen=True)
class AlertSettings:
    """Where the failure alerts go (alerts.py), and the UI their links lead to. The sensors
    read these when they evaluate, not when the code loads: the webhook URL is a secret (its
    path usually holds a token), so it never becomes part of the definitions the UI shows."""

    file: Path | None  # SPARKIFY_ALERT_FILE: one JSON object per line, appended
    webhook_url: str | None = field(repr=False)  # SPARKIFY_ALERT_WEBHOOK_URL
    ui_url: str | None  # SPARKIFY_UI_URL: the UI's address, for a link to the run

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> AlertSettings:
        ui_url = read_endpoint_url(environ, "SPARKIFY_UI_URL")
        return cls(
            file=read_alert_file(environ),
            webhook_url=read_webhook_url(environ),
            ui_url=ui_url.rstrip("/") if ui_url else None,
        )

    @property
    def destinations(self) -> tuple[str, ...]:
        """The variables that name where alerts go: none means the alerts are off."""
        return tuple(
            name
            for name, value in (
                ("SPARKIFY_ALERT_FILE", self.file),
                ("SPARKIFY_ALERT_WEBHOOK_URL", self.webhook_url),
            )
            if value
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
    # AlertSettings.destinations: the alert sensors run by default only when one is set
    alert_destinations: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        # The default is the project's own folder, wherever the command was started from.
        home = read_folder("SPARKIFY_HOME", environ.get("SPARKIFY_HOME") or str(DEFAULT_HOME))
        schema = read_schema(environ.get("SPARKIFY_SCHEMA") or "public")
        target = read_choice(environ, "SPARKIFY_TARGET", Target) or Target.LOCAL
        warehouse_url_set = warehouse_url_is_set(environ)
        embedded = target is Target.LOCAL and not warehouse_url_set
        if embedded and len(os.fsencode(home)) > MAX_EMBEDDED_HOME_BYTES:
            raise SettingsError(
                f"SPARKIFY_HOME={str(home)!r} is {len(os.fsencode(home)):,} bytes long: the "
                f"embedded PostgreSQL's folder must be at most {MAX_EMBEDDED_HOME_BYTES} "
                "(PostgreSQL's path limit), or set SPARKIFY_WAREHOUSE_URL"
            )
        if environ.get("DAGSTER_HOME"):
            # Dagster's SQLite storage URLs end the path at a "?".
            read_folder("DAGSTER_HOME", environ["DAGSTER_HOME"], forbidden="?")
        first_day = read_day(environ, "SPARKIFY_FIRST_DAY", "")
        last_day = read_day(environ, "SPARKIFY_LAST_DAY", "")
        if first_day and last_day:
            check_day_range(first_day, last_day, "SPARKIFY_FIRST_DAY", "SPARKIFY_LAST_DAY")
        yesterday = datetime.now(UTC).date() - timedelta(days=1)
        if first_day and not last_day:
            if first_day > yesterday:
                raise SettingsError(
                    f"SPARKIFY_FIRST_DAY={first_day} has not ended yet: the first partition is a "
                    "day that is over (or set SPARKIFY_LAST_DAY too)"
                )
            check_day_range(first_day, yesterday, "SPARKIFY_FIRST_DAY", OPEN_END)
        return cls(
            target=target,
            redshift=_redshift_settings(environ) if target is Target.REDSHIFT else None,
            home=home,
            source=read_source(environ, str(home / "sample")),
            source_is_default=not environ.get("SPARKIFY_SOURCE"),
            warehouse_url_set=warehouse_url_set,
            schema=schema,
            maxerror=read_number(
                environ, "SPARKIFY_MAXERROR", "0", int, 0, REDSHIFT_MAXERROR_LIMIT
            ),
            truncate_columns=read_flag(environ, "SPARKIFY_TRUNCATECOLUMNS"),
            min_match_share=read_number(environ, "SPARKIFY_MIN_MATCH_SHARE", "0.02", float, 0, 1),
            s3_endpoint_url=read_endpoint_url(environ, "SPARKIFY_S3_ENDPOINT_URL"),
            s3_unsigned=read_flag(environ, "SPARKIFY_S3_UNSIGNED"),
            first_day=first_day,
            last_day=last_day,
            alert_destinations=AlertSettings.from_env(environ).destinations,
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
    read_s3_uri(environ, "SPARKIFY_SOURCE")
    cluster_region = read_region(environ, "SPARKIFY_REGION", "us-west-2")
    manifests = (
        read_s3_uri(environ, "SPARKIFY_MANIFEST_LOCATION")
        if environ.get("SPARKIFY_MANIFEST_LOCATION")
        else None
    )
    read_number(environ, "REDSHIFT_PORT", "5439", int, 1, 65535)
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
    if environ.get(name_variable) and not _AWS_NAME.fullmatch(environ[name_variable]):
        raise SettingsError(
            f"{name_variable}={environ[name_variable]!r} must be 1-64 lower-case letters, digits "
            "and hyphens, starting with a letter (AWS's rule for the name)"
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
        source_region=read_region(environ, "SPARKIFY_SOURCE_REGION", cluster_region),
        manifest_location=manifests,
        kind=kind,
        iam_sign_in=iam_sign_in,
        name=name,
        # The endpoint names the region it is in; SPARKIFY_REGION is for hosts that don't.
        region=endpoint.region if endpoint else cluster_region,
    )


def _redshift_kind(environ: Mapping[str, str], endpoint: Endpoint | None) -> RedshiftKind:
    """SPARKIFY_REDSHIFT_KIND when set, else what the endpoint's name says, else provisioned."""
    if kind := read_choice(environ, "SPARKIFY_REDSHIFT_KIND", RedshiftKind):
        return kind
    if environ.get("SPARKIFY_REDSHIFT_WORKGROUP"):
        return RedshiftKind.SERVERLESS
    return endpoint.kind if endpoint else RedshiftKind.PROVISIONED


def check_day_range(first: date, last: date, first_told: str, last_told: str) -> None:
    """The one rule for a range of daily partitions: days Dagster can name, in order, and few
    enough that a run of all of them starts (MAX_PARTITION_DAYS). `first_told` and
    `last_told` say where each end came from, for the message."""
    for day, told in ((first, first_told), (last, last_told)):
        if not FIRST_POSSIBLE_DAY <= day <= LAST_POSSIBLE_DAY:
            raise SettingsError(
                f"{told}={day} must be a day from {FIRST_POSSIBLE_DAY} to {LAST_POSSIBLE_DAY}"
            )
    if last < first:
        raise SettingsError(f"{last_told}={last} is before the first day, {first} ({first_told})")
    if (last - first).days + 1 > MAX_PARTITION_DAYS:
        raise SettingsError(
            f"{first_told}={first} to {last_told}={last} is {(last - first).days + 1:,} daily "
            f"partitions: at most {MAX_PARTITION_DAYS:,} (ten years), as a run of them all "
            "records an event per day and asset before its first step (about 20 s a year): "
            "set SPARKIFY_FIRST_DAY later"
        )
