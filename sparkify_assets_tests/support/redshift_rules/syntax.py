"""Rules of how a statement is written: PostgreSQL's syntax and features Redshift lacks, and
a statement's size.
"""

from __future__ import annotations

from sqlglot import exp

from .schema import Schema
from .statements import parse, snippet

# --- 7. the rest: documented and cheap to check -------------------------------------------


def _on_conflict(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    return [f"ON CONFLICT: {snippet(n)}" for n in (tree.find_all(exp.OnConflict) if tree else [])]


def _distinct_on(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    nodes = tree.find_all(exp.Distinct) if tree else []
    return [f"DISTINCT ON: {snippet(d)}" for d in nodes if d.args.get("on")]


POSTGRES_SYSTEM_COLUMNS = {"oid", "tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"}


def _unsupported_postgresql_features(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    if tree is None:
        return []
    found = []
    if isinstance(tree, exp.Create) and tree.kind in ("INDEX", "SEQUENCE", "TRIGGER"):
        found.append(f"CREATE {tree.kind}: {snippet(tree)}")
    for column in tree.find_all(exp.ColumnDef):
        if column.name.lower() in POSTGRES_SYSTEM_COLUMNS:
            found.append(f"a column named {column.name}, a PostgreSQL system column name")
    for data_type in tree.find_all(exp.DataType):
        if data_type.this.name in ("SERIAL", "BIGSERIAL", "SMALLSERIAL"):
            found.append(f"the {data_type.this.name} type (a PostgreSQL sequence)")
    for values in tree.find_all(exp.Values):
        if not isinstance(values.parent, exp.Insert):
            found.append(f"a VALUES list used as a constant table: {snippet(values)}")
    return found


MAXIMUM_STATEMENT_BYTES = 16 * 1024 * 1024


def _statement_size(statement: str, schema: Schema) -> list[str]:
    size = len(statement.encode("utf-8"))
    return [f"{size} bytes, over 16 MB"] if size > MAXIMUM_STATEMENT_BYTES else []
