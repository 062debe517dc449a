"""The real Sparkify dataset (SPARKIFY_REAL_DATA): the figures the analysts expect, on the
embedded PostgreSQL and, through `dagster job execute`, on a separate PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest

from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.sql import quote_identifier

REAL_FIGURES = {
    "staging_events": 8_056,
    "staging_songs": 14_896,
    "songplays": 6_820,
    "users": 97,
    "songs": 14_896,
    "artists": 9_553,
    "time": 6_813,
}
REAL_MATCHED_PLAYS = 327


def figures(cursor) -> tuple[dict[str, int], int]:
    counts = {}
    for table in REAL_FIGURES:
        cursor.execute(f"SELECT COUNT(*) FROM {quote_identifier(table)}")
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT COUNT(song_id) FROM songplays")
    return counts, cursor.fetchone()[0]


def test_the_real_sample_gives_the_expected_figures(real_data: Path, settings, warehouse):
    job = build_definitions(settings(SPARKIFY_SOURCE=str(real_data))).resolve_job_def(
        "sparkify_etl"
    )
    result = job.execute_in_process(raise_on_error=False)
    assert result.success
    with warehouse.session() as session:
        assert figures(session.cursor) == (REAL_FIGURES, REAL_MATCHED_PLAYS)


@pytest.mark.slow  # `dagster job execute` of the real data
def test_dagster_job_execute_builds_the_real_sample_on_a_separate_postgresql(
    real_data: Path, external_postgres_url: str, tmp_path: Path
):
    schema = f"test_{uuid.uuid4().hex[:12]}"
    environment = {
        **os.environ,
        "SPARKIFY_SOURCE": str(real_data),
        "SPARKIFY_WAREHOUSE_URL": external_postgres_url,
        "SPARKIFY_SCHEMA": schema,
        "SPARKIFY_HOME": str(tmp_path / "unused-home"),
    }
    dagster = Path(sys.executable).parent / "dagster"
    completed = subprocess.run(
        [str(dagster), "job", "execute", "-m", "sparkify_assets", "-j", "sparkify_etl"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert not (tmp_path / "unused-home").exists(), "the embedded server was started anyway"
    with psycopg2.connect(external_postgres_url) as connection, connection.cursor() as cursor:
        cursor.execute(f"SET search_path TO {quote_identifier(schema)}")
        try:
            assert figures(cursor) == (REAL_FIGURES, REAL_MATCHED_PLAYS)
        finally:
            cursor.execute(f"DROP SCHEMA {quote_identifier(schema)} CASCADE")


@pytest.mark.parametrize("table", ["staging_events", "staging_songs"])
def test_the_real_sample_loads_without_a_single_rejected_record(real_data, warehouse, table):
    from sparkify_assets.model.tables import STAGING_TABLES
    from sparkify_assets.warehouse.source import RawSourceResource

    staging = next(t for t in STAGING_TABLES if t.name == table)
    load = warehouse.load_staging(staging, RawSourceResource(location=str(real_data)))
    assert load.result.rejected == 0
    assert load.result.rows_loaded == REAL_FIGURES[table]


# --- the job as a user types it, on the real sample ---------------------------------------------

DAILY_ASSETS_SEEN = ("staging_events", "songplays", "time", "users", "songs", "top_songs")


def dagster_job(*arguments: str, environment: dict[str, str], clock: str | None = None):
    """`dagster job execute …` as typed, optionally under libfaketime's clock."""
    command = [str(Path(sys.executable).parent / "dagster"), "job", "execute", *arguments]
    if clock is not None:
        command = ["faketime", clock, *command]
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=600)


def materializations(output: str, asset: str) -> int:
    return output.count(f" - {asset} - ASSET_MATERIALIZATION - ")


@pytest.fixture
def as_typed(real_data: Path, postgres_home: Path, schema: str, warehouse) -> dict[str, str]:
    """A user's environment: the source and a warehouse, and no SPARKIFY_FIRST_DAY/_LAST_DAY."""
    environment = {
        k: v for k, v in os.environ.items() if k not in ("SPARKIFY_FIRST_DAY", "SPARKIFY_LAST_DAY")
    }
    return environment | {
        "SPARKIFY_SOURCE": str(real_data),
        "SPARKIFY_HOME": str(postgres_home),
        "SPARKIFY_SCHEMA": schema,
    }


@pytest.mark.slow  # `dagster job execute` of the real data, twice
def test_the_job_as_typed_records_a_day_per_file_whatever_today_is_then_reloads_a_day(
    as_typed: dict[str, str], warehouse
):
    if shutil.which("faketime") is None:
        pytest.skip("no faketime (`apt-get install faketime`; .ci/run installs it)")
    etl = ("-m", "sparkify_assets", "-j", "sparkify_etl")
    for clock in ("2026-12-01 12:00:00", "2031-06-01 12:00:00"):
        completed = dagster_job(*etl, environment=as_typed, clock=clock)
        assert completed.returncode == 0, completed.stderr[-3000:]
        for asset in DAILY_ASSETS_SEEN:  # one per day that has a log file, whatever the date
            assert materializations(completed.stderr, asset) == 30, (clock, asset)
        with warehouse.session() as session:
            assert figures(session.cursor) == (REAL_FIGURES, REAL_MATCHED_PLAYS)

    day = '{"dagster/partition": "2018-11-15"}'
    reload = dagster_job(
        "-m", "sparkify_assets", "-j", "sparkify_daily", "--tags", day, environment=as_typed
    )
    assert reload.returncode == 0, reload.stderr[-3000:]
    assert materializations(reload.stderr, "staging_events") == 1
    with warehouse.session() as session:
        assert figures(session.cursor) == (REAL_FIGURES, REAL_MATCHED_PLAYS)


@pytest.mark.slow  # `dagster job execute` of the real data
def test_a_failed_load_of_the_real_sample_as_typed_fails_the_job_and_changes_nothing(
    as_typed: dict[str, str], real_data: Path, tmp_path: Path, warehouse
):
    etl = ("-m", "sparkify_assets", "-j", "sparkify_etl")
    assert dagster_job(*etl, environment=as_typed).returncode == 0
    with warehouse.session() as session:
        before = figures(session.cursor)
    damaged = tmp_path / "sparkify"
    shutil.copytree(real_data / "log_data", damaged / "log_data")
    shutil.copy(real_data / "log_json_path.json", damaged)
    (damaged / "song_data").symlink_to(real_data / "song_data")
    day_file = damaged / "log_data/2018/11/2018-11-15-events.json"
    day_file.write_text(day_file.read_text() + "{not json\n")
    failed = dagster_job(*etl, environment=as_typed | {"SPARKIFY_SOURCE": str(damaged)})
    assert failed.returncode != 0
    assert "2018-11-15-events.json line" in failed.stderr and "invalid JSON" in failed.stderr
    with warehouse.session() as session:
        assert figures(session.cursor) == before
