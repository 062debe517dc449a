"""The SQL files and the only thing ever substituted into them: a checked, double-quoted
identifier. (The SPARKIFY_* settings: config/test_settings.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sparkify_assets.model.sql import (
    SQL_DIR,
    SqlTemplateError,
    quote_identifier,
    read_sql,
    statement,
)
from sparkify_assets.model.tables import (
    ALL_TABLES,
    ANALYTICS_TABLES,
    META_TABLES,
    STAGING_TABLES,
    STAR_TABLES,
    BuiltTable,
)

KNOWN_PLACEHOLDERS = {
    "table",
    "constraint",
    "schema",
    "key",
    "column",
    "child",
    "parent",
    "parent_key",
    "incoming",
    "loaded",
    "index",
    "function",
}
SQL_FILES = sorted(SQL_DIR.rglob("*.sql"))


# --- identifiers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["users", "staging_events", "_private", "t2", "public", "a", "a" * 63]
)
def test_a_lower_case_identifier_is_accepted_and_double_quoted(name: str):
    assert quote_identifier(name) == f'"{name}"'


@pytest.mark.parametrize(
    "name",
    [
        'x"; DROP TABLE users; --',
        "users; DROP TABLE users",
        'a"b',
        "a b",
        "Users",
        "USERS",
        "",
        "a" * 64,
        "1users",
        "users\n",
        "public.users",
        "naïve",
        "user-id",
    ],
)
def test_an_identifier_that_could_smuggle_sql_or_is_not_lower_case_is_refused(name: str):
    with pytest.raises(SqlTemplateError):
        quote_identifier(name)


def test_a_statement_gets_its_placeholders_filled_with_quoted_identifiers():
    text = statement("common/count_rows", table="songplays")
    assert '"songplays"' in text
    assert "{" not in text


def test_a_statement_refuses_a_missing_identifier():
    with pytest.raises(SqlTemplateError, match="table"):
        statement("common/count_rows")


def test_a_statement_refuses_an_identifier_it_does_not_take():
    with pytest.raises(SqlTemplateError, match="schema"):
        statement("common/count_rows", table="users", schema="public")


def test_a_statement_refuses_an_unsafe_identifier_value():
    with pytest.raises(SqlTemplateError):
        statement("common/count_rows", table='users"; DROP TABLE users; --')


def test_a_statement_that_does_not_exist_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="no_such_statement"):
        read_sql("common/no_such_statement")


# --- the SQL files ----------------------------------------------------------------------------


def test_the_sql_directory_holds_sql_files():
    assert SQL_FILES, f"no .sql files under {SQL_DIR}"


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda path: path.relative_to(SQL_DIR).as_posix())
def test_every_sql_file_uses_only_known_placeholder_names(path: Path):
    text = path.read_text(encoding="utf-8")
    # Any {…} at all, even one the substitution pattern would not see (e.g. {Table}).
    used = set(re.findall(r"\{([^{}\s]*)\}", text))
    assert used <= KNOWN_PLACEHOLDERS, f"{path}: unknown placeholders {used - KNOWN_PLACEHOLDERS}"


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda table: table.name)
def test_every_table_has_a_create_file_that_creates_that_table(table):
    text = read_sql(table.create_sql)
    assert re.search(rf"CREATE TABLE IF NOT EXISTS\s+\"?{table.name}\"?\s*\(", text), text


@pytest.mark.parametrize("table", (*STAR_TABLES, *ANALYTICS_TABLES), ids=lambda table: table.name)
def test_every_built_table_has_an_insert_file_that_fills_that_table(table: BuiltTable):
    text = read_sql(table.insert_sql)
    assert re.search(rf"INSERT INTO\s+\"?{table.name}\"?[\s(]", text, re.IGNORECASE), text


@pytest.mark.parametrize(
    "temporary, name",
    [pair for table in (*STAR_TABLES, *ANALYTICS_TABLES) for pair in table.temporary_tables],
)
def test_every_prepared_statement_creates_the_temporary_table_named_after_it(temporary, name):
    text = read_sql(name)
    assert re.search(rf"CREATE TEMP TABLE\s+{temporary}\s+AS\b", text), text


def test_the_table_lists_cover_meta_staging_star_and_analytics_tables_once_each():
    names = [table.name for table in ALL_TABLES]
    assert len(names) == len(set(names))
    assert set(names) == {
        t.name for t in (*META_TABLES, *STAGING_TABLES, *STAR_TABLES, *ANALYTICS_TABLES)
    }
