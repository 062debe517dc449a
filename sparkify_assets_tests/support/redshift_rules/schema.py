"""The tables the snapshots create, read from their CREATE TABLE statements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlglot import exp

from .statements import parse

# --- what the statements create ------------------------------------------------------------


@dataclass
class Schema:
    """The tables the snapshots create, each with its columns' types (sqlglot's type names:
    BOOLEAN, VARCHAR, DOUBLE, ...). Names are lower case: Redshift folds identifiers to lower
    case, quoted or not, unless enable_case_sensitive_identifier is on (it is not here)."""

    tables: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_statements(cls, statements: Iterable[str]) -> Schema:
        schema = cls()
        likes: list[tuple[str, str]] = []
        for text in statements:
            tree = parse(text)
            if not (isinstance(tree, exp.Create) and tree.kind == "TABLE"):
                continue
            target = tree.this
            table = target.this if isinstance(target, exp.Schema) else target
            if not isinstance(table, exp.Table):
                continue
            name = table.name.lower()
            columns = schema.tables.setdefault(name, {})
            if isinstance(target, exp.Schema):
                for item in target.expressions:
                    if isinstance(item, exp.ColumnDef) and isinstance(item.kind, exp.DataType):
                        columns[item.name.lower()] = item.kind.this.name
                    elif isinstance(item, exp.LikeProperty):
                        likes.append((name, item.this.name.lower()))
        for name, parent in likes:  # CREATE TEMP TABLE x (LIKE y): y's columns
            schema.tables[name] = {**schema.tables.get(parent, {}), **schema.tables[name]}
        return schema

    def column_type(self, table: str, column: str) -> str | None:
        return self.tables.get(table.lower(), {}).get(column.lower())

    def is_user_table(self, table: str) -> bool:
        return table.lower() in self.tables
