"""The SQL files and the only thing ever substituted into them (a checked, quoted identifier),
and the SPARKIFY_* settings with their defaults and their refusals."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from sparkify_assets.config.settings import REDSHIFT_MAXERROR_LIMIT, Settings, SettingsError
from sparkify_assets.model.paths import PROJECT_ROOT
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


# --- settings ---------------------------------------------------------------------------------


def test_settings_default_to_the_projects_home_with_the_sample_as_source_from_anywhere(
    tmp_path: Path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # a command started outside the project's root
    settings = Settings.from_env({})
    assert settings.home == PROJECT_ROOT / ".sparkify"
    assert Path(settings.source) == PROJECT_ROOT / ".sparkify" / "sample"
    assert settings.schema == "public"
    assert settings.maxerror == 0
    assert settings.s3_unsigned is False
    assert settings.s3_endpoint_url is None
    assert settings.warehouse_url_set is False


def test_the_default_source_follows_sparkify_home():
    settings = Settings.from_env({"SPARKIFY_HOME": "/srv/sparkify"})
    assert settings.home == Path("/srv/sparkify")
    assert Path(settings.source) == Path("/srv/sparkify/sample")


def test_settings_take_the_values_they_are_given():
    settings = Settings.from_env(
        {
            "SPARKIFY_SOURCE": "s3://udacity-dend/",
            "SPARKIFY_SCHEMA": "run_42",
            "SPARKIFY_MAXERROR": "10",
            "SPARKIFY_S3_UNSIGNED": "true",
            "SPARKIFY_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "SPARKIFY_WAREHOUSE_URL": "postgresql://u@h/db",
        }
    )
    assert settings.source == "s3://udacity-dend/"
    assert settings.schema == "run_42"
    assert settings.maxerror == 10
    assert settings.s3_unsigned is True
    assert settings.s3_endpoint_url == "http://127.0.0.1:9000"
    assert settings.warehouse_url_set is True


@pytest.mark.parametrize("schema", ["public; drop", 'x"; DROP TABLE users; --', "Public", "1st"])
def test_an_unsafe_schema_is_refused_naming_sparkify_schema(schema: str):
    with pytest.raises(SettingsError, match="SPARKIFY_SCHEMA"):
        Settings.from_env({"SPARKIFY_SCHEMA": schema})


@pytest.mark.parametrize("maxerror", ["ten", "1.5", "-1", str(REDSHIFT_MAXERROR_LIMIT + 1), "1e3"])
def test_a_maxerror_that_is_not_a_whole_number_from_0_to_100000_is_refused_naming_it(
    maxerror: str,
):
    with pytest.raises(SettingsError, match="SPARKIFY_MAXERROR"):
        Settings.from_env({"SPARKIFY_MAXERROR": maxerror})


def test_maxerror_accepts_redshifts_limit_of_100000():
    assert REDSHIFT_MAXERROR_LIMIT == 100_000
    assert Settings.from_env({"SPARKIFY_MAXERROR": "100000"}).maxerror == 100_000


@pytest.mark.parametrize(
    ("text", "unsigned"),
    [
        ("true", True),
        ("1", True),
        ("yes", True),
        (" TRUE ", True),
        ("false", False),
        ("0", False),
        ("no", False),
        ("", False),
    ],
)
def test_s3_unsigned_reads_the_usual_spellings_of_true_and_false(text: str, unsigned: bool):
    assert Settings.from_env({"SPARKIFY_S3_UNSIGNED": text}).s3_unsigned is unsigned


@pytest.mark.parametrize("text", ["maybe", "2", "on please"])
def test_a_bad_s3_unsigned_is_refused_naming_it(text: str):
    with pytest.raises(SettingsError, match="SPARKIFY_S3_UNSIGNED"):
        Settings.from_env({"SPARKIFY_S3_UNSIGNED": text})


@pytest.mark.parametrize("share", ["lots", "-0.1", "1.5", "nan"])
def test_a_min_match_share_outside_0_to_1_is_refused_naming_it(share: str):
    with pytest.raises(SettingsError, match="SPARKIFY_MIN_MATCH_SHARE"):
        Settings.from_env({"SPARKIFY_MIN_MATCH_SHARE": share})


def test_the_days_are_left_to_the_log_files_unless_told():
    settings = Settings.from_env({})
    assert (settings.first_day, settings.last_day) == (None, None)
    told = Settings.from_env(
        {"SPARKIFY_FIRST_DAY": "2018-11-03", "SPARKIFY_LAST_DAY": "2018-11-30"}
    )
    assert (told.first_day, told.last_day) == (date(2018, 11, 3), date(2018, 11, 30))


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"SPARKIFY_FIRST_DAY": "November"}, "SPARKIFY_FIRST_DAY"),
        ({"SPARKIFY_LAST_DAY": "2018-13-01"}, "SPARKIFY_LAST_DAY"),
        ({"SPARKIFY_FIRST_DAY": "2018-11-05", "SPARKIFY_LAST_DAY": "2018-11-04"}, "before"),
    ],
)
def test_bad_days_are_refused_naming_the_variable(variables: dict[str, str], named: str):
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(variables)


def test_a_first_day_that_is_not_over_yet_is_refused_unless_a_last_day_is_set():
    with pytest.raises(SettingsError, match="SPARKIFY_FIRST_DAY=2999-01-01 has not ended"):
        Settings.from_env({"SPARKIFY_FIRST_DAY": "2999-01-01"})
    told = {"SPARKIFY_FIRST_DAY": "2999-01-01", "SPARKIFY_LAST_DAY": "2999-01-02"}
    assert Settings.from_env(told).last_day == date(2999, 1, 2)


def test_the_embedded_server_starts_in_a_home_of_letters_of_any_alphabet(tmp_path: Path):
    from sparkify_assets.warehouse.embedded import embedded_postgres_dsn, stop_embedded_postgres

    home = tmp_path / "Zoë-Łódź_日本+1.2"
    assert Settings.from_env({"SPARKIFY_HOME": str(home)}).home == home
    try:
        assert "host=" in embedded_postgres_dsn(home)
    finally:
        assert stop_embedded_postgres(home)
