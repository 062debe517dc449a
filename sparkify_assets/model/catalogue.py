"""What each column of the warehouse means and where it comes from, read from the tables' DDL.

A column's line in `sql/<layer>/<name>.create.sql` ends in a comment: its description and, for a
table built by INSERT … SELECT, the upstream columns it is computed from:

    user_id INTEGER NOT NULL, -- Who played it. <- staging_events.user_id

So a column's type, meaning and origin are written once, beside each other, where a reader of the
SQL looks; the UI's column descriptions and column lineage are made from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sparkify_assets.model.sql import read_sql
from sparkify_assets.model.tables import Table

_COLUMN_LINE = re.compile(
    r"^\s+(?P<name>[a-z_]+)\s+(?P<type>[A-Z]+(?: PRECISION)?(?:\(\d+\))?)"  # name and type
    r"[^-]*(?:--\s*(?P<doc>.*))?$"  # constraints, then the comment
)
_SOURCES = " <- "


@dataclass(frozen=True)
class ColumnEntry:
    name: str
    data_type: str  # as the DDL declares it, e.g. "VARCHAR(512)"
    description: str  # empty when the DDL gives none
    sources: tuple[tuple[str, str], ...]  # (table, column) pairs it is computed from


class CatalogueError(ValueError):
    """A column's comment names its sources in a form that cannot be read."""


@cache
def columns_of(table: Table) -> tuple[ColumnEntry, ...]:
    """The table's columns, in DDL order, with what their comments say."""
    entries = []
    for line in read_sql(table.create_sql).splitlines():
        match = _COLUMN_LINE.match(line)
        if match is None:
            continue
        doc = (match["doc"] or "").strip()
        description, _, sources = doc.partition(_SOURCES)
        entries.append(
            ColumnEntry(
                match["name"],
                match["type"],
                description.strip(),
                tuple(_source(table, match["name"], s) for s in sources.split(",") if s.strip()),
            )
        )
    return tuple(entries)


def _source(table: Table, column: str, text: str) -> tuple[str, str]:
    upstream, dot, upstream_column = text.strip().partition(".")
    if not dot or not upstream or not upstream_column:
        raise CatalogueError(
            f"sql/{table.create_sql}.sql, column {column}: source {text.strip()!r} is not "
            "written as table.column"
        )
    return upstream, upstream_column
