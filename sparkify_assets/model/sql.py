"""The project's SQL lives in `sql/`; this module is the only way Python reaches it.

Statements are read from files, never written inline. The only thing substituted into them is an
identifier (`{table}`, `{schema}`, …), and only after it has been validated and quoted; every
value travels as a driver parameter.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sparkify_assets.model.paths import SQL_DIR

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_REDSHIFT_DESIGN = "-- redshift: "  # starts the line of a CREATE TABLE's design on Redshift


class SqlTemplateError(ValueError):
    """A statement was asked for with a missing, unknown or unsafe identifier."""


def quote_identifier(name: str) -> str:
    """Quote a lower-case SQL identifier after checking it can't smuggle in SQL."""
    if not _IDENTIFIER.fullmatch(name):
        raise SqlTemplateError(
            f"{name!r} is not a valid identifier: use 1-63 lower-case letters, digits and "
            "underscores, starting with a letter or underscore"
        )
    return f'"{name}"'


def sql_path(name: str, target: str = "local") -> Path:
    """The file of statement `name` for `target`: where one target needs its own statement,
    `sql/<name>.<target>.sql` takes the place of `sql/<name>.sql` for that target; a statement
    only one target runs exists only in that form."""
    for path in (SQL_DIR / f"{name}.{target}.sql", SQL_DIR / f"{name}.sql"):
        if path.is_file():
            return path
    raise FileNotFoundError(f"no SQL file sql/{name}.sql or sql/{name}.{target}.sql")


@cache
def read_sql(name: str, target: str = "local") -> str:
    """The text of statement `name` for `target`, e.g. `read_sql("star/songplays.insert")`."""
    return sql_path(name, target).read_text(encoding="utf-8")


def statement(name: str, target: str = "local", **identifiers: str) -> str:
    """The statement in `sql/<name>.sql` (or its `target` form) with its `{identifier}`
    placeholders filled in."""
    text = read_sql(name, target)
    wanted = set(_PLACEHOLDER.findall(text))
    if wanted != set(identifiers):
        raise SqlTemplateError(
            f"sql/{name}.sql takes identifiers {sorted(wanted)}, was given {sorted(identifiers)}"
        )
    quoted = {key: quote_identifier(value) for key, value in identifiers.items()}
    return _PLACEHOLDER.sub(lambda match: quoted[match.group(1)], text)


def create_and_redshift_design(name: str, target: str = "local") -> tuple[str, str]:
    """The CREATE TABLE of `sql/<name>.sql` without its last line, `-- redshift: <clause>`, and
    that clause: Redshift's physical design of the table (DISTSTYLE, DISTKEY, SORTKEY), written
    once in the table's create file, after the comment that says why, as its columns' meanings
    are (`catalogue.py`). PostgreSQL has no such clause."""
    create = statement(name, target)
    lines = create.rstrip("\n").split("\n")
    declared = [line for line in lines if line.startswith(_REDSHIFT_DESIGN)]
    if declared != lines[-1:]:
        raise SqlTemplateError(
            f"sql/{name}.sql has {len(declared)} lines `{_REDSHIFT_DESIGN}<clause>`: it must end "
            "in one, the table's design on Redshift"
        )
    return "\n".join(lines[:-1]) + "\n", lines[-1].removeprefix(_REDSHIFT_DESIGN).strip()


def function_sql(function: str) -> str:
    """The statement that creates the SQL function `function`: `functions/<name>` for
    f_<name>, the prefix Redshift keeps for user-defined functions
    (https://docs.aws.amazon.com/redshift/latest/dg/udf-naming-udfs.html)."""
    return f"functions/{function.removeprefix('f_')}"
