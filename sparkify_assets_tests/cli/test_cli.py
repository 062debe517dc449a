"""The `sparkify` command as a user types it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sparkify_assets.model.paths import PROJECT_ROOT
from sparkify_assets.warehouse.embedded import embedded_postgres_dsn

SPARKIFY = str(Path(sys.executable).parent / "sparkify")


def sparkify(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SPARKIFY, *args],
        env={**os.environ, **variables},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow  # `sparkify run` of the sample
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
    assert re.search(r"^Run [0-9a-f-]{36} succeeded in", completed.stdout, re.MULTILINE)
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


def test_a_source_that_does_not_exist_is_refused_in_one_line_before_any_step(
    tmp_path: Path, postgres_home: Path, schema: str, warehouse
):
    missing = tmp_path / "real_sparkfy"  # a typo of the real folder's name
    completed = sparkify(
        "run",
        SPARKIFY_HOME=str(postgres_home),
        SPARKIFY_SCHEMA=schema,
        SPARKIFY_SOURCE=str(missing),
    )
    assert completed.returncode == 2
    assert not missing.exists()
    assert completed.stdout == ""
    assert completed.stderr.splitlines() == [
        f"sparkify: SPARKIFY_SOURCE={missing}: no such directory (it should hold log_data/, "
        "song_data/ and log_json_path.json)"
    ]


@pytest.mark.slow  # `sparkify run` started twice
def test_run_refuses_days_that_are_not_a_range_of_the_partitions(sample, tmp_path: Path):
    location, _ = sample
    for days in (["--day", "2018-11-05", "--last-day", "2018-11-04"], ["--day", "2018-10-31"]):
        completed = sparkify(
            "run", *days, SPARKIFY_HOME=str(tmp_path), SPARKIFY_SOURCE=str(location)
        )
        assert completed.returncode == 2
        assert "are not a range of the daily partitions (2018-11-01..2018-11-30" in (
            completed.stderr
        )


@pytest.mark.slow  # `sparkify run`, then `verify` twice
def test_verify_says_whether_the_warehouse_matches_the_ground_truth(
    sample, postgres_home: Path, schema: str, warehouse
):
    location, _ = sample
    variables = {
        "SPARKIFY_HOME": str(postgres_home),
        "SPARKIFY_SCHEMA": schema,
        "SPARKIFY_SOURCE": str(location),
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


# --- failures a user reads in one line ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def one_line_error(completed: subprocess.CompletedProcess[str]) -> str:
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stdout + completed.stderr
    [line] = completed.stderr.strip().splitlines()
    return line


@pytest.mark.slow  # two `sparkify` commands
def test_an_unreachable_warehouse_is_one_line_naming_where_and_why_never_the_password(
    sample, tmp_path: Path
):
    port = free_port()  # nothing listens there: refused
    url = f"postgresql://sparkify:Tops3cr%25t@127.0.0.1:{port}/warehouse"
    for command in (["summary"], ["run"]):
        line = one_line_error(
            sparkify(
                *command,
                SPARKIFY_WAREHOUSE_URL=url,
                SPARKIFY_SOURCE=str(sample[0]),
                SPARKIFY_HOME=str(tmp_path),
            )
        )
        assert line == (
            f"sparkify: cannot connect to the PostgreSQL at 127.0.0.1:{port}/warehouse "
            "(SPARKIFY_WAREHOUSE_URL): connection refused (is the server running and listening "
            "there?)"
        )
        assert "Tops3cr" not in line


@pytest.mark.slow  # `sparkify` waiting for its connect timeout
def test_a_warehouse_that_never_answers_is_a_timeout_in_one_line(tmp_path: Path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts, then says nothing
    port = silent.getsockname()[1]
    stop = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        silent.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(silent.accept()[0])
            except OSError:
                time.sleep(0.05)

    listener = threading.Thread(target=accept, daemon=True)
    listener.start()
    try:
        line = one_line_error(
            sparkify(
                "summary",
                SPARKIFY_WAREHOUSE_URL=f"postgresql://u:pw@127.0.0.1:{port}/db?connect_timeout=2",
                SPARKIFY_HOME=str(tmp_path),
            )
        )
    finally:
        stop.set()
        listener.join()
        for connection in held:
            connection.close()
        silent.close()
    assert line.endswith(f"127.0.0.1:{port}/db (SPARKIFY_WAREHOUSE_URL): timed out")


def test_a_missing_database_is_named_as_such_in_one_line(postgres_home: Path, tmp_path: Path):
    import psycopg2.extensions

    parts = psycopg2.extensions.parse_dsn(embedded_postgres_dsn(postgres_home))
    url = f"postgresql://{parts['user']}@/no_such_database?host={parts['host']}"
    if "port" in parts:
        url += f"&port={parts['port']}"
    line = one_line_error(
        sparkify("summary", SPARKIFY_WAREHOUSE_URL=url, SPARKIFY_HOME=str(tmp_path))
    )
    assert line.endswith(
        "/no_such_database (SPARKIFY_WAREHOUSE_URL): the database (or user) does not exist"
    )


@pytest.mark.slow  # `sparkify run`
def test_a_failed_run_ends_its_summary_with_the_first_cause(
    postgres_home: Path, schema: str, warehouse, tmp_path: Path
):
    from sparkify_assets_tests.support.rawdata import event, log_files, song, song_files

    source = tmp_path / "raw"
    files = {**log_files(("2018-11-01", [event()])), **song_files(song())}
    files["log_data/2018/11/2018-11-01-events.json"] += "\n{not json\n"
    for key, content in files.items():
        path = source / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    completed = sparkify(
        "run", SPARKIFY_HOME=str(postgres_home), SPARKIFY_SCHEMA=schema, SPARKIFY_SOURCE=str(source)
    )
    assert completed.returncode == 1
    last = completed.stdout.strip().splitlines()
    cause = last[last.index(next(line for line in last if line.startswith("Failed at step"))) :]
    assert cause[0].startswith(
        "Failed at step staging_events: Load into staging_events stopped: 1 rejected records, "
        "and MAXERROR 0 fails a load at 1"
    )
    assert any("2018-11-01-events.json line 2: invalid JSON" in line for line in cause), cause


@pytest.mark.slow  # `sparkify run`, interrupted
def test_ctrl_c_says_the_run_was_interrupted_by_the_user(
    sample, postgres_home: Path, schema: str, warehouse
):
    run = subprocess.Popen(
        [SPARKIFY, "run"],
        env={
            **os.environ,
            "SPARKIFY_HOME": str(postgres_home),
            "SPARKIFY_SCHEMA": schema,
            "SPARKIFY_SOURCE": str(sample[0]),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    with warehouse.session() as session:  # wait until the run has begun to write
        while time.monotonic() < deadline and run.poll() is None:
            if session.exists("load_history"):
                break
            session.connection.rollback()
            time.sleep(0.2)
    run.send_signal(signal.SIGINT)  # what Ctrl-C sends
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 130
    assert stderr.strip().splitlines()[-1].startswith("sparkify: interrupted by the user (Ctrl-C)")


def test_the_projects_home_is_the_same_from_a_sub_folder():
    """`cd sql && uv run …`: the same home and data as from the root (no SPARKIFY_HOME)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SPARKIFY_")}
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from sparkify_assets.config.settings import load_settings; s = load_settings(); "
            "print(s.home); print(s.source)",
        ],
        cwd=PROJECT_ROOT / "sql",
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert printed == [str(PROJECT_ROOT / ".sparkify"), str(PROJECT_ROOT / ".sparkify/sample")]


@pytest.mark.slow  # `dagster job execute` and `sparkify run`
def test_sparkify_run_and_dagster_job_execute_share_the_projects_run_history(
    postgres_home: Path, schema: str, warehouse, sample, tmp_path: Path, monkeypatch
):
    """Without DAGSTER_HOME: `dagster job execute` started at the project's root and
    `sparkify run` started anywhere record in the project's instance, which the UI shows."""
    from sparkify_assets.pipeline.instance import project_instance

    environment = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    environment |= {
        "SPARKIFY_HOME": str(postgres_home),
        "SPARKIFY_SCHEMA": schema,
        "SPARKIFY_SOURCE": str(sample[0]),
    }

    def run_in(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            command, cwd=folder, env=environment, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done

    dagster = str(Path(sys.executable).parent / "dagster")
    job = ["job", "execute", "-m", "sparkify_assets", "-j", "reset_warehouse"]
    executed = run_in(PROJECT_ROOT, dagster, *job)
    [cli_run] = set(re.findall(r"reset_warehouse - ([0-9a-f-]{36}) - ", executed.stderr))
    ran = run_in(tmp_path, SPARKIFY, "run", "--job", "reset_warehouse")
    [sparkify_run] = re.findall(r"^Run ([0-9a-f-]{36}) succeeded", ran.stdout, re.MULTILINE)
    monkeypatch.delenv("DAGSTER_HOME")
    with project_instance() as instance:
        assert instance.root_directory == str(PROJECT_ROOT / ".sparkify" / "dagster")
        assert instance.get_run_by_id(cli_run) is not None
        assert instance.get_run_by_id(sparkify_run) is not None
