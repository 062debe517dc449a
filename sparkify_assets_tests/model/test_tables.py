"""What the table registry declares beside each table's SQL: its physical design on Redshift (the
`-- redshift:` line of its create file) and the SQL functions its build calls, each held to the
SQL so that neither can drift from it."""

from __future__ import annotations

import re

import pytest

from sparkify_assets.model.sql import (
    SqlTemplateError,
    create_and_redshift_design,
    function_sql,
    read_sql,
)
from sparkify_assets.model.tables import ALL_TABLES, ASSET_TABLES, BuiltTable, StarTable, Table
from sparkify_assets.model.targets import Target

BUILT_TABLES = [table for table in ASSET_TABLES if isinstance(table, BuiltTable)]
# https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_NEW.html: a table's DISTSTYLE,
# with a DISTKEY for KEY, and a SORTKEY.
DESIGN = re.compile(r"DISTSTYLE (ALL|EVEN|AUTO|KEY DISTKEY \(\w+\))( SORTKEY \(\w+\))?")


def _calls(table: BuiltTable) -> set[str]:
    """The user-defined functions (named f_…) the table's own statements call, on each target."""
    texts = [read_sql(name, target) for name in table.statements for target in Target]
    code = [re.sub(r"--[^\n]*", "", text) for text in texts]
    return {name.lower() for text in code for name in re.findall(r"\b(f_\w+)\s*\(", text, re.I)}


@pytest.mark.parametrize("table", BUILT_TABLES, ids=lambda table: table.name)
def test_every_built_table_declares_the_functions_its_statements_call(table: BuiltTable):
    assert set(table.functions) == _calls(table)
    assert len(table.functions) == len(set(table.functions))


def test_the_text_repair_is_declared_by_the_tables_that_repair_text():
    declaring = {table.name for table in BUILT_TABLES if "f_repair_text" in table.functions}
    assert declaring == {"songplays", "users"}


@pytest.mark.parametrize(
    "function", sorted({f for table in BUILT_TABLES for f in table.functions}), ids=str
)
def test_each_declared_function_is_created_by_the_statement_named_after_it(function: str):
    text = read_sql(function_sql(function))
    assert re.search(rf"CREATE OR REPLACE FUNCTION {function}\(", text), function_sql(function)


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda table: table.name)
def test_every_table_declares_its_design_on_redshift_once_in_its_create_file(table: Table):
    create, design = create_and_redshift_design(table.create_sql)
    assert DESIGN.fullmatch(design), design
    assert "-- redshift:" not in create and "DISTSTYLE" not in create
    assert table.create_statement(Target.LOCAL) == create


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda table: table.name)
def test_on_redshift_the_design_follows_the_columns_and_the_comment_that_says_why(table: Table):
    local = table.create_statement(Target.LOCAL)
    _, design = create_and_redshift_design(table.create_sql)
    assert table.create_statement(Target.REDSHIFT) == f"{local.rstrip()}\n{design}\n"
    assert local.rstrip().splitlines()[-1].startswith("-- "), "the why, beside the design"


def test_the_statement_redshift_receives_is_the_create_file_with_its_design_line_uncommented():
    songplays = next(table for table in ALL_TABLES if table.name == "songplays")
    file = read_sql(songplays.create_sql)
    assert songplays.create_statement(Target.REDSHIFT) == file.replace("-- redshift: ", "", 1)
    assert file.endswith("\n-- redshift: DISTSTYLE KEY DISTKEY (start_time) SORTKEY (start_time)\n")


@pytest.mark.parametrize(
    "text, found",
    [
        ("CREATE TABLE broken (\n    id INTEGER -- An id.\n)\n", 0),
        ("CREATE TABLE broken (\n    id INTEGER\n)\n-- redshift: DISTSTYLE ALL\n" * 2, 2),
        ("-- redshift: DISTSTYLE ALL\nCREATE TABLE broken (\n    id INTEGER\n)\n", 1),
    ],
    ids=["none", "two", "not_last"],
)
def test_a_create_file_without_exactly_one_design_line_is_refused(
    tmp_path, monkeypatch, text: str, found: int
):
    import sparkify_assets.model.sql as sql

    (tmp_path / "star").mkdir()
    (tmp_path / "star" / "broken.create.sql").write_text(text)
    monkeypatch.setattr(sql, "SQL_DIR", tmp_path)
    sql.read_sql.cache_clear()
    try:
        broken = StarTable("broken", key="id", upstream=(), description="")
        with pytest.raises(
            SqlTemplateError, match=rf"sql/star/broken.create.sql has {found} lines"
        ):
            broken.create_statement(Target.REDSHIFT)
    finally:
        sql.read_sql.cache_clear()
