"""The SPARKIFY_* environment variables (the public contract, documented in README.md) are
read and validated here and nowhere else, so a bad value fails early with the variable's name."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .sql import SqlTemplateError, quote_identifier

REDSHIFT_MAXERROR_LIMIT = 100_000
Number = TypeVar("Number", int, float)
_KIND_NAMES = {int: "whole number", float: "number"}


class SettingsError(ValueError):
    """An environment variable holds a value the pipeline can't use."""


@dataclass(frozen=True)
class Settings:
    home: Path
    source: str
    source_is_default: bool  # SPARKIFY_SOURCE unset: the sample data under SPARKIFY_HOME
    warehouse_url_set: bool
    schema: str
    maxerror: int
    min_match_share: float
    s3_endpoint_url: str | None
    s3_unsigned: bool

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        home = Path(environ.get("SPARKIFY_HOME") or ".sparkify")
        schema = environ.get("SPARKIFY_SCHEMA") or "public"
        try:
            quote_identifier(schema)
        except SqlTemplateError as error:
            raise SettingsError(f"SPARKIFY_SCHEMA: {error}") from None
        return cls(
            home=home,
            source=environ.get("SPARKIFY_SOURCE") or str(home / "sample"),
            source_is_default=not environ.get("SPARKIFY_SOURCE"),
            warehouse_url_set=bool(environ.get("SPARKIFY_WAREHOUSE_URL")),
            schema=schema,
            maxerror=_number(environ, "SPARKIFY_MAXERROR", "0", int, 0, REDSHIFT_MAXERROR_LIMIT),
            min_match_share=_number(environ, "SPARKIFY_MIN_MATCH_SHARE", "0.02", float, 0, 1),
            s3_endpoint_url=environ.get("SPARKIFY_S3_ENDPOINT_URL") or None,
            s3_unsigned=_flag(environ, "SPARKIFY_S3_UNSIGNED"),
        )


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
