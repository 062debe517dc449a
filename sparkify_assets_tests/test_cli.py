"""The `sparkify` command as a user types it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SPARKIFY = str(Path(sys.executable).parent / "sparkify")


def sparkify(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SPARKIFY, *args],
        env={**os.environ, **variables},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_run_makes_sample_data_when_there_is_none_and_prints_a_summary(
    tmp_path: Path, postgres_home: Path, schema: str, warehouse
):
    source = postgres_home / "sample"  # the default SPARKIFY_SOURCE
    environment = {k: v for k, v in os.environ.items() if k != "SPARKIFY_SOURCE"}
    completed = subprocess.run(
        [SPARKIFY, "run"],
        env={**environment, "SPARKIFY_HOME": str(postgres_home), "SPARKIFY_SCHEMA": schema},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "generating a sample dataset" in completed.stdout
    assert (source / "ground_truth.json").is_file()
    assert "Run succeeded" in completed.stdout
    for table in (
        "staging_events",
        "staging_songs",
        "songplays",
        "users",
        "songs",
        "artists",
        "time",
    ):
        assert f"  {table} " in completed.stdout
    assert "FAILED" not in completed.stdout


def test_generate_writes_where_it_is_told(tmp_path: Path):
    completed = sparkify(
        "generate", "--out", str(tmp_path / "out"), "--users", "5", "--songs", "20", "--days", "2"
    )
    assert completed.returncode == 0, completed.stderr
    assert len(list((tmp_path / "out" / "log_data").rglob("*.json"))) == 2
    assert len(list((tmp_path / "out" / "song_data").rglob("*.json"))) == 20


def test_a_bad_setting_is_a_one_line_error_not_a_traceback(tmp_path: Path):
    completed = sparkify("summary", SPARKIFY_MAXERROR="lots", SPARKIFY_HOME=str(tmp_path))
    assert completed.returncode == 2
    assert "SPARKIFY_MAXERROR='lots' is not a whole number" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_a_source_that_does_not_exist_fails_the_run_instead_of_loading_sample_data(
    tmp_path: Path, postgres_home: Path, schema: str, warehouse
):
    missing = tmp_path / "real_sparkfy"  # a typo of the real folder's name
    completed = sparkify(
        "run",
        SPARKIFY_HOME=str(postgres_home),
        SPARKIFY_SCHEMA=schema,
        SPARKIFY_SOURCE=str(missing),
    )
    assert completed.returncode == 1
    assert not missing.exists()
    assert f"raw data directory {missing} does not exist" in completed.stdout + completed.stderr
    assert "Run FAILED" in completed.stdout


def test_run_refuses_days_that_are_not_a_range_from_the_first_day(tmp_path: Path):
    for days in (["--day", "2018-11-05", "--last-day", "2018-11-04"], ["--day", "2018-10-31"]):
        completed = sparkify("run", *days, SPARKIFY_HOME=str(tmp_path))
        assert completed.returncode == 2
        assert "are not a range of days from SPARKIFY_FIRST_DAY=2018-11-01" in completed.stderr


def test_verify_says_whether_the_warehouse_matches_the_ground_truth(
    sample, postgres_home: Path, schema: str, warehouse
):
    location, _ = sample
    variables = {
        "SPARKIFY_HOME": str(postgres_home),
        "SPARKIFY_SCHEMA": schema,
        "SPARKIFY_SOURCE": str(location),
        "SPARKIFY_LAST_DAY": "2018-12-31",
    }
    assert sparkify("run", **variables).returncode == 0
    matching = sparkify("verify", **variables)
    assert matching.returncode == 0, matching.stdout + matching.stderr
    assert "matches the ground truth" in matching.stdout

    with warehouse.session() as session:
        session.cursor.execute("DELETE FROM users WHERE user_id = (SELECT MIN(user_id) FROM users)")
    differing = sparkify("verify", **variables)
    assert differing.returncode == 1
    assert (
        "users: expected" in differing.stdout and "latest_level: 1 keys differ" in differing.stdout
    )
