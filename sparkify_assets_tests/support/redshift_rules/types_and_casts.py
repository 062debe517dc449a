"""Rules of Redshift's data types: casts, Boolean comparisons, character lengths."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope

from .schema import Schema
from .statements import parse, snippet, tables_in

# --- 1. no BOOLEAN cast to a string type ---------------------------------------------------

# https://docs.aws.amazon.com/redshift/latest/dg/c_Supported_data_types.html#r_Type_conversion
# ("Type compatibility and conversion"; formerly its own page, r_Type_conversion.html). Its rules
# name the types that convert to strings, and BOOLEAN is not among them: "Conversely, you can
# convert a date, time, timestamp, or numeric value to a fixed-length or variable-length
# character string." and "When data types are incompatible, you can sometimes convert a value
# from one data type to another by using an explicit conversion function." Redshift refuses such
# a cast with "cannot cast type boolean to character varying" (its error text, as reported in
# dbt-labs/dbt-utils#1016 and datafold/data-diff#280; the guide itself does not print it).

STRING_TYPES = {t.name for t in exp.DataType.TEXT_TYPES} | {"BPCHAR"}
_PASS_THROUGH = (exp.Paren, exp.Alias, exp.Coalesce, exp.Nullif, exp.Max, exp.Min, exp.AnyValue)


def expression_type(node: exp.Expression, scope: Scope | None, schema: Schema) -> str | None:
    """The type of an expression where it can be known from the statement and the tables the
    snapshots create: BOOLEAN for predicates, connectives and boolean literals; a column's
    declared type, through the FROM of its SELECT (tables, derived tables and CTEs)."""
    if isinstance(node, exp.Boolean | exp.Predicate | exp.Connector | exp.Not):
        return "BOOLEAN"
    if isinstance(node, exp.Cast):
        return node.to.this.name
    if isinstance(node, _PASS_THROUGH):
        return expression_type(node.this, scope, schema)
    if isinstance(node, exp.Case):
        branches = [branch.args.get("true") for branch in node.args.get("ifs") or []]
        for branch in [*branches, node.args.get("default")]:
            known = expression_type(branch, scope, schema) if branch is not None else None
            if known:
                return known
        return None
    if isinstance(node, exp.Column):
        return column_type(node, scope, schema)
    return None


def column_type(column: exp.Column, scope: Scope | None, schema: Schema) -> str | None:
    name = column.name
    if scope is None:  # outside any SELECT (DELETE ... WHERE): the statement's own tables
        tree = column.root()
        for table in tables_in(tree):
            known = schema.column_type(table.name, name)
            if known:
                return known
        return None
    if column.table:
        sources = [scope.sources.get(column.table)]
    else:
        sources = [source for _, source in scope.selected_sources.values()]
    for source in sources:
        if isinstance(source, exp.Table):
            known = schema.column_type(source.name, name)
        elif isinstance(source, Scope):
            known = _projection_type(source, name, schema)
        else:
            known = None
        if known:
            return known
    return None


def _projection_type(scope: Scope, name: str, schema: Schema) -> str | None:
    query = scope.expression
    while isinstance(query, exp.SetOperation):  # a UNION's columns are its first SELECT's
        query = query.this
    if not isinstance(query, exp.Select):
        return None
    for projection in query.selects:
        if projection.alias_or_name.lower() == name.lower():
            return expression_type(projection, scope, schema)
    return None


def _boolean_cast_to_string(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    if tree is None:
        return []
    found, seen = [], set()
    for scope in traverse_scope(tree):
        for cast in scope.find_all(exp.Cast):
            seen.add(id(cast))
            found += _if_boolean_to_string(cast, scope, schema)
    for cast in tree.find_all(exp.Cast):
        if id(cast) not in seen:
            found += _if_boolean_to_string(cast, None, schema)
    return found


def _if_boolean_to_string(cast: exp.Cast, scope: Scope | None, schema: Schema) -> list[str]:
    if cast.to.this.name not in STRING_TYPES:
        return []
    if expression_type(cast.this, scope, schema) != "BOOLEAN":
        return []
    return [f"a BOOLEAN cast to {cast.to.sql(dialect='redshift')}: {snippet(cast)}"]


# --- 7. the rest: documented and cheap to check -------------------------------------------


def _boolean_is_outside_where(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    found = []
    for node in tree.find_all(exp.Is) if tree else []:
        # (IS UNKNOWN reaches sqlglot's tree as IS NULL, so it is not told apart here)
        if isinstance(node.expression, exp.Boolean) and node.find_ancestor(exp.Where) is None:
            found.append(f"IS TRUE/FALSE outside a WHERE clause: {snippet(node)}")
    return found


CHARACTER_MAXIMUM = {"CHAR": 4096, "NCHAR": 4096, "BPCHAR": 4096, "VARCHAR": 65535}
CHARACTER_MAXIMUM |= {"NVARCHAR": 65535}


def _character_lengths(statement: str, schema: Schema) -> list[str]:
    tree = parse(statement)
    found = []
    for data_type in tree.find_all(exp.DataType) if tree else []:
        maximum = CHARACTER_MAXIMUM.get(data_type.this.name)
        params = data_type.expressions
        if maximum and params and isinstance(params[0].this, exp.Literal):
            length = int(params[0].this.name)
            if length > maximum:
                found.append(f"{snippet(data_type)} is over {maximum} bytes")
    return found
