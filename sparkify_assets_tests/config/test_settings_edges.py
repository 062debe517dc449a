"""Every SPARKIFY_* setting at the edges of the range that works end to end: the edge itself is
taken and works; one step past it is refused in one line naming the variable, the value (never
a secret's) and the range, before any work starts."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg2
import pytest

from sparkify_assets.cli.pipeline import say_planning_time
from sparkify_assets.config.settings import (
    FIRST_POSSIBLE_DAY,
    LAST_POSSIBLE_DAY,
    MAX_EMBEDDED_HOME_BYTES,
    MAX_PARTITION_DAYS,
    Settings,
    SettingsError,
)
from sparkify_assets.definitions import build_definitions
from sparkify_assets.pipeline.partitions import partition_days
from sparkify_assets.pipeline.tags import RANGE_END, RANGE_START
from sparkify_assets.warehouse.embedded import embedded_postgres_dsn, stop_embedded_postgres
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets_tests.conftest import run_etl

# Every character a folder's name may hold that a shell, libpq, pg_ctl or postgresql.conf
# reads as its own: a space, quotes, `$`, `;`, globs, `#`, `%`, `?`, a backslash, a comma.
ODD_NAME = 'Zoë\'s "data" $HOME;a&b|c(d)*?[e]{f}!#g%h\\i,j'


def refused(variables: dict[str, str]) -> str:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(variables)
    message = str(raised.value)
    assert "\n" not in message
    return message


# --- SPARKIFY_HOME: the embedded server starts in any folder a file name can spell ---------


@pytest.mark.warehouse  # starts an embedded PostgreSQL in each home
@pytest.mark.parametrize(
    "name", [ODD_NAME, "with space", "it's", "a;touch x", "$HOME", "a,b", "日本 語"]
)
def test_the_embedded_server_starts_and_takes_connections_in_a_home_of_any_printable_name(
    tmp_path: Path, name: str
):
    home = tmp_path / name
    assert Settings.from_env({"SPARKIFY_HOME": str(home)}).home == home
    try:
        with psycopg2.connect(embedded_postgres_dsn(home)) as connection:
            connection.cursor().execute("SELECT 1")
        assert embedded_postgres_dsn(home)  # and the running server is found again
    finally:
        assert stop_embedded_postgres(home)


@pytest.mark.warehouse  # starts an embedded PostgreSQL in that home
def test_a_home_at_the_length_limit_starts_the_embedded_server_and_one_byte_more_is_refused(
    tmp_path: Path,
):
    room, parts = MAX_EMBEDDED_HOME_BYTES - len(str(tmp_path)), []
    while room > 201:  # names of 200 bytes, each after a "/"
        parts.append("d" * 200)
        room -= 201
    home = tmp_path.joinpath(*parts, "e" * (room - 1))
    assert len(str(home).encode()) == MAX_EMBEDDED_HOME_BYTES
    assert Settings.from_env({"SPARKIFY_HOME": str(home)}).home == home
    try:
        psycopg2.connect(embedded_postgres_dsn(home)).close()
    finally:
        stop_embedded_postgres(home)
    message = refused({"SPARKIFY_HOME": f"{home}x"})
    assert message.startswith(f"SPARKIFY_HOME='{home}x' is {MAX_EMBEDDED_HOME_BYTES + 1} bytes")
    assert "at most 900" in message


@pytest.mark.parametrize("variable", ["SPARKIFY_HOME", "SPARKIFY_SOURCE", "DAGSTER_HOME"])
@pytest.mark.parametrize("character", ["\n", "\t", "\x7f", "\udcff"])
def test_a_folder_holding_a_control_character_or_bytes_not_utf8_is_refused_naming_it(
    variable: str, character: str
):
    message = refused({variable: f"/tmp/a{character}b"})
    assert message.startswith(f"{variable}=")
    assert "any character but a control character" in message


def test_a_dagster_home_holding_a_question_mark_is_refused_as_sqlite_urls_end_there():
    assert "DAGSTER_HOME='/tmp/a?b' holds '?'" in refused({"DAGSTER_HOME": "/tmp/a?b"})
    assert Settings.from_env({"DAGSTER_HOME": f"/tmp/{ODD_NAME.replace('?', '')}"})


def test_a_home_that_is_a_file_is_refused(tmp_path: Path):
    file = tmp_path / "file"
    file.write_text("")
    assert (
        refused({"SPARKIFY_HOME": str(file)}) == f"SPARKIFY_HOME='{file}' is a file, not a folder"
    )


def test_a_source_folder_of_any_printable_name_loads_end_to_end(sample, settings, tmp_path):
    source = tmp_path / ODD_NAME
    source.symlink_to(sample[0])
    result = run_etl(settings(SPARKIFY_SOURCE=str(source)), "staging_events", "staging_songs")
    assert result.success


# --- SPARKIFY_SCHEMA -------------------------------------------------------------------------


@pytest.mark.parametrize("schema", ["select", "user", "order", "a" * 63, "_", "public"])
def test_a_schema_named_by_a_reserved_word_or_63_characters_long_works(postgres_home, schema):
    assert Settings.from_env({"SPARKIFY_SCHEMA": schema}).schema == schema
    warehouse = WarehouseResource(home=str(postgres_home), schema_name=schema)
    assert "users" in warehouse.reset()
    with warehouse.session() as session:
        assert session.exists("songplays")
        if schema != "public":
            session.execute("common/drop_schema", schema=schema)


@pytest.mark.parametrize(
    "schema",
    ["pg_temp", "pg_catalog", "pg_sparkify", "information_schema", "a" * 64, "Sparkify", "naïve"],
)
def test_a_schema_postgresql_keeps_for_itself_or_cannot_hold_is_refused_naming_the_range(
    schema: str,
):
    assert refused({"SPARKIFY_SCHEMA": schema}) == (
        f"SPARKIFY_SCHEMA={schema!r} must be 1-63 lower-case letters, digits and _, starting "
        "with a letter or _, and neither pg_… nor information_schema (PostgreSQL's own)"
    )


# --- days ------------------------------------------------------------------------------------


def test_the_first_and_last_possible_days_are_taken_and_the_days_beyond_refused():
    first = {"SPARKIFY_FIRST_DAY": str(FIRST_POSSIBLE_DAY)}
    last = {"SPARKIFY_LAST_DAY": str(LAST_POSSIBLE_DAY)}
    span = timedelta(days=MAX_PARTITION_DAYS - 1)
    assert Settings.from_env(
        {**first, "SPARKIFY_LAST_DAY": str(FIRST_POSSIBLE_DAY + span)}
    ).first_day == date(1900, 1, 1)
    assert Settings.from_env(
        {**last, "SPARKIFY_FIRST_DAY": str(LAST_POSSIBLE_DAY - span)}
    ).last_day == date(2999, 12, 31)
    for variable, day in (
        ("SPARKIFY_FIRST_DAY", "1899-12-31"),
        ("SPARKIFY_LAST_DAY", "3000-01-01"),
    ):
        assert refused({variable: day}) == (
            f"{variable}='{day}' must be a day YYYY-MM-DD from 1900-01-01 to 2999-12-31"
        )
    assert "0001-01-01" in refused({"SPARKIFY_FIRST_DAY": "0001-01-01"})
    assert "9999-12-31" in refused({"SPARKIFY_LAST_DAY": "9999-12-31"})


def test_a_range_of_ten_years_of_days_is_taken_and_one_day_more_is_refused():
    first = date(2018, 1, 1)
    decade = {"SPARKIFY_FIRST_DAY": str(first), "SPARKIFY_LAST_DAY": str(first + timedelta(3659))}
    assert Settings.from_env(decade).last_day == date(2028, 1, 8)
    longer = {**decade, "SPARKIFY_LAST_DAY": str(first + timedelta(3660))}
    assert refused(longer).startswith(
        "SPARKIFY_FIRST_DAY=2018-01-01 to SPARKIFY_LAST_DAY=2028-01-09 is 3,661 daily "
        "partitions: at most 3,660 (ten years)"
    )


def test_a_run_of_many_days_says_first_how_long_dagster_will_record_them(capsys):
    say_planning_time({RANGE_START: "2018-01-01", RANGE_END: "2027-12-31"})
    said = capsys.readouterr().out
    assert said.startswith("A run of 3,652 days (2018-01-01..2027-12-31): Dagster records")
    assert "about 219 s" in said
    say_planning_time({RANGE_START: "2018-11-01", RANGE_END: "2018-11-30"})  # the sample's
    assert capsys.readouterr().out == ""


def test_a_first_day_long_before_yesterday_without_a_last_day_is_refused_at_once():
    message = refused({"SPARKIFY_FIRST_DAY": "1900-01-01"})
    assert message.startswith("SPARKIFY_FIRST_DAY=1900-01-01 to SPARKIFY_LAST_DAY (unset: ")


def test_log_files_spanning_centuries_refuse_to_load_the_code_naming_the_days_in_seconds(
    raw_files, tmp_path: Path
):
    source = raw_files(
        {
            "log_data/0001-01-01-events.json": "",
            "log_data/2018/11/2018-11-01-events.json": "",
            "log_json_path.json": '{"jsonpaths": []}',
        }
    )
    started = time.monotonic()
    with pytest.raises(SettingsError, match="the first log file's day=0001-01-01 must be a day"):
        build_definitions(
            Settings.from_env({"SPARKIFY_HOME": str(tmp_path), "SPARKIFY_SOURCE": source.location})
        )
    assert time.monotonic() - started < 30


def test_the_data_decides_the_days_within_the_same_bounds():
    today = datetime.now(UTC).date()
    found = (date(2016, 1, 1), date(2025, 12, 31))
    assert partition_days(None, None, found, today) == found
    with pytest.raises(SettingsError, match="is 3,661 daily partitions"):
        partition_days(None, None, (date(2016, 1, 1), date(2026, 1, 8)), today)


# --- the other settings ---------------------------------------------------------------------


def test_a_warehouse_url_libpq_cannot_read_is_refused_without_showing_it():
    for url in ("mysql://u:secret@h/db", "postgresql://u:secret@h:99999/db", "secret"):
        message = refused({"SPARKIFY_WAREHOUSE_URL": url})
        assert message.startswith("SPARKIFY_WAREHOUSE_URL (not shown")
        assert "secret" not in message
    assert Settings.from_env({"SPARKIFY_WAREHOUSE_URL": "postgres://u:p%40ss@h:5432/db"})


@pytest.mark.parametrize("url", ["localhost:9000", "http://host with space", "ftp://h", "http://"])
def test_an_s3_endpoint_that_is_not_an_http_url_is_refused_naming_it(url: str):
    assert refused({"SPARKIFY_S3_ENDPOINT_URL": url}).startswith(
        f"SPARKIFY_S3_ENDPOINT_URL={url!r}"
    )


def test_an_s3_endpoint_url_with_a_port_and_path_is_taken():
    url = "https://s3.example.com:9000/base"
    assert Settings.from_env({"SPARKIFY_S3_ENDPOINT_URL": url}).s3_endpoint_url == url


@pytest.mark.parametrize(
    ("variable", "name"),
    [("SPARKIFY_REDSHIFT_CLUSTER", "Bad_Name"), ("SPARKIFY_REDSHIFT_WORKGROUP", "1st")],
)
def test_a_cluster_or_workgroup_name_aws_would_refuse_is_refused_naming_it(
    redshift_env, variable: str, name: str
):
    message = refused({**redshift_env, variable: name, "REDSHIFT_HOST": "tunnel.example"})
    assert message.startswith(f"{variable}={name!r} must be 1-64 lower-case letters")


@pytest.mark.parametrize(
    ("variable", "edge", "beyond"),
    [("SPARKIFY_MAXERROR", "100000", "100001"), ("SPARKIFY_MIN_MATCH_SHARE", "1", "1.0001")],
)
def test_numbers_are_taken_at_their_edges_and_refused_one_step_past(
    variable: str, edge: str, beyond: str
):
    assert Settings.from_env({variable: edge})
    assert refused({variable: beyond}).startswith(f"{variable}={beyond!r} must be between")
