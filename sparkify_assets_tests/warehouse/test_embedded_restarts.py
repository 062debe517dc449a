"""The embedded PostgreSQL comes back from a killed run and from being killed itself: the next
start uses the server a killed run started, starts a killed server again with its committed
data, and takes a pid file whose pid another process now has for stale."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import psycopg2
import pytest

from sparkify_assets.warehouse.embedded import (
    embedded_postgres_dsn,
    running_postmaster,
    stop_embedded_postgres,
)
from sparkify_assets_tests.support.crash_tools import SECONDS_TO_NOTICE, wait_until


def postmaster_pid(home: Path) -> int:
    return int((home / "pgdata" / "postmaster.pid").read_text().splitlines()[0])


def dead(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def kill_server(home: Path) -> int:
    """SIGKILL the postmaster, as an OOM killer would: its postmaster.pid stays behind."""
    pid = postmaster_pid(home)
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: dead(pid), SECONDS_TO_NOTICE, "the server dying")
    assert (home / "pgdata" / "postmaster.pid").exists()
    return pid


def write_table(home: Path) -> tuple[str, int, Any]:
    """A committed table of 1,000 rows, and an open transaction that adds a row to it (to be
    closed by the caller)."""
    table = f"kept_{uuid.uuid4().hex[:8]}"
    committed = psycopg2.connect(embedded_postgres_dsn(home))
    with committed, committed.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {table} AS SELECT generate_series(1, 1000) AS n")
    committed.close()
    hanging = psycopg2.connect(embedded_postgres_dsn(home))
    hanging.cursor().execute(f"INSERT INTO {table} VALUES (-1)")
    return table, 1000, hanging


def count(home: Path, table: str) -> int:
    connection = psycopg2.connect(embedded_postgres_dsn(home))
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def test_a_server_started_by_a_killed_run_is_used_by_the_next_start(own_home: Path):
    stop_embedded_postgres(own_home)
    run = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, psycopg2; from pathlib import Path;"
            "from sparkify_assets.warehouse.embedded import embedded_postgres_dsn;"
            "psycopg2.connect(embedded_postgres_dsn(Path(sys.argv[1]))).cursor()"
            ".execute('SELECT txid_current()');"
            "print('ready', flush=True); time.sleep(600)",
            str(own_home),
        ],
        stdout=subprocess.PIPE,
    )
    assert run.stdout is not None and run.stdout.readline() == b"ready\n"
    server = postmaster_pid(own_home)
    run.kill()
    run.wait()
    run.stdout.close()

    embedded_postgres_dsn(own_home)
    assert postmaster_pid(own_home) == server


def test_a_killed_server_is_started_again_by_the_next_start_with_its_committed_data(
    own_home: Path,
):
    table, rows, hanging = write_table(own_home)
    killed = kill_server(own_home)
    hanging.close()

    embedded_postgres_dsn(own_home)  # this process had a handle on the killed server
    assert postmaster_pid(own_home) != killed
    assert count(own_home, table) == rows  # and not the open transaction's row


@pytest.fixture(params=["an unrelated process", "another data directory's server"])
def live_pid(request: pytest.FixtureRequest, postgres_home: Path) -> Iterator[int]:
    """A live process of the same user, which a dead server's pid could have become."""
    if request.param == "another data directory's server":
        yield postmaster_pid(postgres_home)
        return
    process = subprocess.Popen(["sleep", "600"])
    yield process.pid
    process.kill()
    process.wait()


def test_a_pid_file_whose_pid_now_belongs_to_another_process_is_stale_not_a_server(
    own_home: Path, live_pid: int
):
    table, rows, hanging = write_table(own_home)
    kill_server(own_home)
    hanging.close()
    pgdata = own_home / "pgdata"
    for lock_file in (pgdata / "postmaster.pid", pgdata / ".s.PGSQL.5432.lock"):
        lines = lock_file.read_text().splitlines()
        lock_file.write_text("\n".join([str(live_pid), *lines[1:]]) + "\n")

    assert running_postmaster(pgdata) is None
    assert stop_embedded_postgres(own_home) is False  # and sends the process no signal
    embedded_postgres_dsn(own_home)
    assert postmaster_pid(own_home) != live_pid
    assert count(own_home, table) == rows
    assert not dead(live_pid)


def test_every_session_has_the_server_notice_a_killed_client_within_a_second(warehouse):
    with warehouse.session() as session:
        session.cursor.execute("SHOW client_connection_check_interval")
        assert session.cursor.fetchone() == ("1s",)
