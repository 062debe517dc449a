"""The real Sparkify dataset (SPARKIFY_REAL_DATA): the figures the analysts expect, on the
embedded PostgreSQL and, through `dagster job execute`, on a separate PostgreSQL server."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest

from sparkify_assets.definitions import build_definitions
from sparkify_assets.sql import quote_identifier

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
        "SPARKIFY_LAST_DAY": "2018-11-30",
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
    from sparkify_assets.resources.source import RawSourceResource
    from sparkify_assets.tables import STAGING_TABLES

    staging = next(t for t in STAGING_TABLES if t.name == table)
    load = warehouse.load_staging(staging, RawSourceResource(location=str(real_data)))
    assert load.result.rejected == 0
    assert load.result.rows_loaded == REAL_FIGURES[table]
