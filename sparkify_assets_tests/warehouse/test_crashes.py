"""Crashes: a run killed with SIGKILL in the middle of a staging load or of a star build leaves
every table as it was or as the run had built it, never half; the server rolls the dead run
back and frees its locks; the next run succeeds. (The embedded PostgreSQL coming back from a
killed run and from being killed itself: test_embedded_restarts.py; the first cause a failed
step names: test_failure_causes.py.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import psutil
import pytest

from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.tables import ALL_TABLES, META_TABLES
from sparkify_assets.sample.generate import GroundTruth
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets_tests.support.crash_tools import (
    SECONDS_TO_NOTICE,
    backend_busy_with,
    wait_until,
)

SPARKIFY = str(Path(sys.executable).parent / "sparkify")
WORKER_MODULE = "sparkify_assets.copyjson.worker"
# They grow with every load, or are counted again for the days each run writes.
BOOKKEEPING = tuple(table.name for table in META_TABLES)


@pytest.fixture
def start_run(postgres_home: Path, schema: str, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Start `sparkify run` on a source in this test's schema, in a session of its own (so that
    its worker processes can be found, and none outlives the test)."""
    runs: list[subprocess.Popen[bytes]] = []

    def start(source: Path) -> subprocess.Popen[bytes]:
        with (tmp_path / "run.log").open("wb") as log:
            run = subprocess.Popen(
                [SPARKIFY, "run"],
                env={
                    **os.environ,
                    "SPARKIFY_HOME": str(postgres_home),
                    "SPARKIFY_SOURCE": str(source),
                    "SPARKIFY_SCHEMA": schema,
                },
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        runs.append(run)
        return run

    yield start
    for run in runs:
        with suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
        run.wait()


def contents(warehouse: WarehouseResource) -> dict[str, str]:
    """Every table's rows, as one hash per table."""
    with warehouse.session() as session:
        hashes = {}
        for table in ALL_TABLES:
            session.cursor.execute(
                f"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM \"{table.name}\" t"
            )
            hashes[table.name] = session.cursor.fetchone()[0]
        return hashes


def etl(settings: Callable[..., Any], source: Path) -> bool:
    """Run sparkify_etl on `source` in this process; whether it succeeded."""
    job = build_definitions(settings(SPARKIFY_SOURCE=str(source))).resolve_job_def("sparkify_etl")
    return job.execute_in_process(raise_on_error=False).success


def assert_holds(warehouse: WarehouseResource, truth: GroundTruth) -> None:
    """The warehouse holds what the generator wrote, each row once."""
    with warehouse.session() as session:
        session.cursor.execute(
            "SELECT (SELECT COUNT(*) FROM staging_events), (SELECT COUNT(*) FROM staging_songs),"
            " (SELECT COUNT(*) FROM songplays), (SELECT COUNT(DISTINCT songplay_id)"
            " FROM songplays), (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM songs),"
            " (SELECT COUNT(*) FROM artists), (SELECT COUNT(*) FROM time),"
            " (SELECT COUNT(song_id) FROM songplays)"
        )
        assert session.cursor.fetchone() == (
            truth.events,
            truth.song_files,
            truth.nextsong_plays,
            truth.nextsong_plays,
            truth.users,
            truth.songs,
            truth.artists,
            truth.distinct_start_times,
            truth.matched_plays,
        )


def leftovers(admin: Any, schema: str, backend: int) -> list[str]:
    """What a killed run's backend still holds: itself, or a lock on a table of the schema."""
    admin.execute(
        """SELECT 'backend ' || pid FROM pg_stat_activity WHERE pid = %(backend)s
           UNION ALL
           SELECT 'lock on ' || c.relname || ' by ' || l.pid FROM pg_locks l
           JOIN pg_class c ON c.oid = l.relation
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = %(schema)s""",
        {"backend": backend, "schema": schema},
    )
    return [row[0] for row in admin.fetchall()]


def processes_of(run: subprocess.Popen[bytes]) -> list[str]:
    """The killed run's processes still alive: those of its session, such as COPY workers."""
    alive = []
    for process in psutil.process_iter():
        with suppress(ProcessLookupError, psutil.Error):
            if os.getsid(process.pid) == run.pid and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(" ".join(process.cmdline()))
    return alive


def kill_when_busy(
    run: subprocess.Popen[bytes], busy: Callable[[], int | None]
) -> tuple[int, list[str]]:
    """SIGKILL the run (its main process only, as the OOM killer would) once `busy()` names
    the backend doing the work to interrupt; that backend, and the COPY workers then running."""

    def busy_or_ended() -> int | None:
        if run.poll() is not None:
            pytest.fail("the run ended before it reached the work to interrupt")
        return busy()

    backend = wait_until(busy_or_ended, 60.0, "the run reaching the work to interrupt")
    workers = [process for process in processes_of(run) if WORKER_MODULE in process]
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    return backend, workers


@pytest.mark.slow  # three whole runs, one of them killed
def test_a_run_killed_in_the_middle_of_its_first_load_changes_no_table_and_the_next_run_succeeds(
    sample, bigger, settings, warehouse, admin, start_run, schema
):
    assert etl(settings, sample[0])  # a warehouse of another dataset, to be kept
    before = contents(warehouse)
    source, truth = bigger

    run = start_run(source)  # staging_events is the run's first step
    backend, workers = kill_when_busy(
        run,
        lambda: backend_busy_with(admin, schema, "staging_events", "c.tuples_processed > 0"),
    )

    wait_until(lambda: not leftovers(admin, schema, backend), SECONDS_TO_NOTICE, "rollback")
    assert workers, "the load had no COPY worker running when it was killed"
    wait_until(lambda: not processes_of(run), SECONDS_TO_NOTICE, "its COPY workers exiting")
    assert contents(warehouse) == before
    assert etl(settings, source)
    assert_holds(warehouse, truth)


@pytest.mark.slow  # three whole runs, one of them killed
def test_a_run_killed_while_it_builds_songplays_leaves_it_as_it_was_and_no_table_half_built(
    sample, bigger, settings, warehouse, admin, start_run, schema
):
    assert etl(settings, sample[0])
    before = contents(warehouse)
    source, truth = bigger

    run = start_run(source)
    backend, _ = kill_when_busy(
        run,
        lambda: backend_busy_with(
            admin,
            schema,
            "songplays",
            "a.state = 'active' AND position('INSERT INTO songplays' IN a.query) > 0",
        ),
    )

    wait_until(lambda: not leftovers(admin, schema, backend), SECONDS_TO_NOTICE, "rollback")
    killed = contents(warehouse)
    assert etl(settings, source)
    assert_holds(warehouse, truth)
    built = contents(warehouse)
    # songplays was being built (its old rows deleted, new ones inserted); time comes after it.
    assert [killed["songplays"], killed["time"]] == [before["songplays"], before["time"]]
    # The steps before it committed: their tables hold what the run built.
    half_built = {
        table
        for table in killed
        if table not in BOOKKEEPING and killed[table] not in (before[table], built[table])
    }
    assert half_built == set()
