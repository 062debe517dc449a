"""The seed project's `dwh.cfg`, read as an alternative to the environment and written by
`sparkify cluster up`.

Each key stands for one environment variable (README, "Running on Redshift"); a variable that is
set in the environment wins over the file. The three S3 keys must share one root, because the
pipeline reads `log_data/`, `song_data/` and `log_json_path.json` under one `SPARKIFY_SOURCE`.
"""

from __future__ import annotations

import configparser
from collections.abc import Mapping, MutableMapping
from pathlib import Path

# (section, key) in dwh.cfg → the environment variable it stands for.
CLUSTER_KEYS = {
    ("CLUSTER", "HOST"): "REDSHIFT_HOST",
    ("CLUSTER", "DB_NAME"): "REDSHIFT_DB",
    ("CLUSTER", "DB_USER"): "REDSHIFT_USER",
    ("CLUSTER", "DB_PASSWORD"): "REDSHIFT_PASSWORD",
    ("CLUSTER", "DB_PORT"): "REDSHIFT_PORT",
    ("CLUSTER", "KIND"): "SPARKIFY_REDSHIFT_KIND",  # provisioned or serverless
    ("CLUSTER", "IDENTIFIER"): "SPARKIFY_REDSHIFT_CLUSTER",  # IAM sign-in, provisioned
    ("CLUSTER", "WORKGROUP"): "SPARKIFY_REDSHIFT_WORKGROUP",  # IAM sign-in, Serverless
    ("IAM_ROLE", "ARN"): "SPARKIFY_IAM_ROLE_ARN",
}
# (section, key) → where it sits under SPARKIFY_SOURCE.
S3_KEYS = {
    ("S3", "LOG_DATA"): "log_data",
    ("S3", "SONG_DATA"): "song_data",
    ("S3", "LOG_JSONPATH"): "log_json_path.json",
}
SECRET_VARIABLES = frozenset({"REDSHIFT_PASSWORD"})
WRITTEN_BY_US = (
    "# Written by `sparkify cluster up`. The password is not here: set REDSHIFT_PASSWORD.\n"
)


class DwhConfigError(ValueError):
    """dwh.cfg exists but can't be used; the message names the file and the key."""


def read_dwh_cfg(path: Path) -> dict[str, str]:
    """The environment variables `path` sets, by name; keys left empty are not included."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str.upper  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    except (OSError, UnicodeDecodeError, configparser.Error) as error:
        # configparser quotes the offending line, which may hold DB_PASSWORD: name only where.
        lines = [line for line, _ in getattr(error, "errors", ())] or [getattr(error, "lineno", 0)]
        where = f" at line {', '.join(map(str, lines))}" if any(lines) else ""
        raise DwhConfigError(
            f"cannot read {path}{where} ({type(error).__name__}): expected [SECTION] headers "
            "and KEY=value lines"
        ) from None
    values = {
        variable: value
        for (section, key), variable in CLUSTER_KEYS.items()
        if (value := _value(parser, section, key))
    }
    roots = {
        key: value.removesuffix("/").removesuffix(suffix)
        for (section, key), suffix in S3_KEYS.items()
        if (value := _value(parser, section, key))
    }
    if roots:
        if len(roots) != len(S3_KEYS) or len(set(roots.values())) != 1:
            expected = ", ".join(f"{key}=<root>/{suffix}" for (_, key), suffix in S3_KEYS.items())
            raise DwhConfigError(
                f"{path}: [S3] must name all three locations under one root ({expected})"
            )
        values["SPARKIFY_SOURCE"] = next(iter(roots.values())).rstrip("/")
    return values


def check_writable(path: Path) -> None:
    """Refuse to overwrite a dwh.cfg someone wrote by hand (the seed's keeps a password)."""
    if path.exists() and not path.read_text(encoding="utf-8").startswith(WRITTEN_BY_US):
        raise DwhConfigError(
            f"{path} exists and was not written by `sparkify cluster up`: move it away or "
            "choose another file with --config"
        )


def write_dwh_cfg(path: Path, variables: Mapping[str, str]) -> None:
    """Write `variables` (environment names) as dwh.cfg. A password is never written: it stays
    in REDSHIFT_PASSWORD."""
    check_writable(path)
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str.upper  # type: ignore[assignment,method-assign]
    for (section, key), variable in CLUSTER_KEYS.items():
        if variable in variables and variable not in SECRET_VARIABLES:
            parser.read_dict({section: {key: variables[variable]}})
    if source := variables.get("SPARKIFY_SOURCE"):
        for (section, key), suffix in S3_KEYS.items():
            parser.read_dict({section: {key: f"{source.rstrip('/')}/{suffix}"}})
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(WRITTEN_BY_US)
        parser.write(handle)


def fill_from_dwh_cfg(environ: MutableMapping[str, str], path: Path) -> list[str]:
    """Set, in `environ`, every variable `path` names that `environ` doesn't already set; the
    names set. Secrets go through the environment so that Dagster's EnvVar reads them at run
    time and the run config never holds them."""
    filled = []
    for variable, value in read_dwh_cfg(path).items():
        if not environ.get(variable):
            environ[variable] = value
            filled.append(variable)
    return filled


def _value(parser: configparser.ConfigParser, section: str, key: str) -> str:
    return parser.get(section, key, fallback="").strip().strip("'\"").strip()
