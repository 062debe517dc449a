"""Benchmark: how the staging load, the star build and the whole job scale, against yardsticks.

Issue 5 asked whether the local COPY emulation is fast enough to matter (against a raw `COPY`
of the same rows, row-by-row INSERT and memory); issue 15 asks the same of everything after it:
the star build within 2x of DuckDB running the same rules on the same rows, rebuilds that don't
slow down when repeated, star tables that grow linearly, and the whole job in under 3 minutes
at 10 M events. Each size runs, on the same generated data and one fresh embedded PostgreSQL:

1. the project's loader (`WarehouseResource.load_staging`) in a subprocess, whose whole process
   tree is sampled for RSS;
2. a raw `COPY … FROM STDIN` of the same rows, pre-converted to CSV (and to COPY text);
3. a 1 % slice loaded by per-row INSERT (autocommit, then one transaction), extrapolated;
4. DuckDB's `read_json` of the same files into an on-disk database (duckdb_peer.py);
5. every star table's `rebuild`, ROUNDS times over on the same warehouse;
6. a check of the warehouse against the generator's ground truth;
7. the star statements in DuckDB on the same staged rows, every row compared (duckdb_peer.py);
8. the whole job, `dagster job execute -j sparkify_etl`, on a fresh home (job_run.py).

    uv run --frozen --group bench python bench/scale.py --sizes 100k,1m,3m,10m

Generated data is kept in --data-dir/<size> (default /tmp/sparkify-bench/data), or where
`--data SIZE=DIR` says, and reused when its ground truth matches the size. Results: --out
(JSON), with the Markdown tables and the issue's targets (.md) and two log-log charts (.png,
-baselines.png) next to it. Not part of the test suite: it takes minutes (the 10m size most of
an hour), and its numbers describe this machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg2
from duckdb_peer import differences, read_json_load, star_peer
from job_run import run_job
from scale_report import growth, print_growth, print_size, write_report

from sparkify_assets.model.tables import ASSET_TABLES, STAGING_TABLES, STAR_TABLES
from sparkify_assets.sample import generate as generator
from sparkify_assets.sample.generate import LOG_KEYS, GroundTruth
from sparkify_assets.sample.ground_truth import load_ground_truth
from sparkify_assets.warehouse.embedded import embedded_postgres_dsn, stop_embedded_postgres

EVENTS, SONGS = STAGING_TABLES
SETTINGS = (
    "fsync", "synchronous_commit", "full_page_writes", "wal_level", "max_wal_size",
    "shared_buffers", "work_mem", "maintenance_work_mem", "checkpoint_timeout", "jit",
    "max_parallel_workers_per_gather", "data_checksums", "effective_cache_size",
    "autovacuum", "wal_buffers", "max_worker_processes",
)  # fmt: skip
ROUNDS = 5  # star builds in a row on the same warehouse: the last must cost what the first did
NAIVE_EVERY = 100  # the naive load takes every 100th event line and song file: a 1 % slice
SAMPLE_SECONDS = 0.05  # RSS sampling period of the loader's process tree
EVENTS_PER_USER_DAY = 3.07  # the generator's average, for a generator without users_for_events


@dataclasses.dataclass(frozen=True)
class Size:
    """What one benchmark size asks of the generator: events and song files; the generator's
    own rules turn events into days (a day stays near its DAY_EVENTS) and users."""

    events: int  # wanted; the generator gets within a few per cent
    songs: int  # song files, one object each

    @property
    def days(self) -> int:
        days_for_events = getattr(generator, "days_for_events", None)
        return int(days_for_events(self.events)) if days_for_events else 30

    @property
    def users(self) -> int:
        users_for_events = getattr(generator, "users_for_events", None)
        if users_for_events is not None:
            return int(users_for_events(self.events, self.days))
        return max(2, round(self.events / (self.days * EVENTS_PER_USER_DAY)))


# Song files grow with events, a tenth of them, as 1 M one-object files is issue 5's case.
SIZES = {
    "100k": Size(events=100_000, songs=10_000),
    "1m": Size(events=1_000_000, songs=100_000),
    "3m": Size(events=3_000_000, songs=300_000),
    "10m": Size(events=10_000_000, songs=1_000_000),
}


def say(message: str) -> None:
    """A progress line, time-stamped, so a long run shows where it is."""
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


# --- data -------------------------------------------------------------------------------------


def ensure_dataset(out: Path, name: str, size: Size) -> tuple[Path, GroundTruth]:
    """The generated data for a size: reused when its ground truth fits, else (re)generated."""
    truth: GroundTruth | None = None
    if (out / generator.GROUND_TRUTH).exists():
        try:
            truth = load_ground_truth(out)
        except (TypeError, ValueError):  # written by an older generator
            truth = None
    if truth is not None:
        if truth.song_files == size.songs and abs(truth.events / size.events - 1) < 0.25:
            say(f"{name}: reusing {out} ({truth.events:,} events, {truth.song_files:,} songs)")
            return out, truth
        say(f"{name}: {out} holds another size; regenerating")
    say(f"{name}: generating {out} (users={size.users}, songs={size.songs}, days={size.days})")
    started = time.perf_counter()
    truth = generator.generate(out, users=size.users, songs=size.songs, days=size.days)
    say(f"{name}: {truth.events:,} events generated in {time.perf_counter() - started:.0f} s")
    return out, truth


def source_bytes(data: Path, prefix: str) -> int:
    return sum(path.stat().st_size for path in (data / prefix).rglob("*.json"))


# --- the loader, in a subprocess whose process tree is watched ---------------------------------


def _tree(root: int) -> list[int]:
    """`root` and every descendant, from /proc (the loader may fork conversion workers)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        parent = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _field_kb(path: str, field: str) -> int:
    try:
        with open(path, "rb") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass  # the process ended between listing and reading
    return 0


class TreeMemory:
    """Samples the summed VmRSS (and PSS, which counts shared pages once) of a process tree."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.phase = "start"
        self.peak_rss: dict[str, int] = {}
        self.peak_pss: dict[str, int] = {}
        self.high_water: dict[int, int] = {}  # pid -> its own VmHWM, last seen
        self.most_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = _tree(self.root)
            rss = sum(_field_kb(f"/proc/{pid}/status", b"VmRSS:") for pid in pids)
            for pid in pids:
                self.high_water[pid] = max(
                    self.high_water.get(pid, 0), _field_kb(f"/proc/{pid}/status", b"VmHWM:")
                )
            pss = sum(_field_kb(f"/proc/{pid}/smaps_rollup", b"Pss:") for pid in pids)
            phase = self.phase
            self.peak_rss[phase] = max(self.peak_rss.get(phase, 0), rss)
            self.peak_pss[phase] = max(self.peak_pss.get(phase, 0), pss)
            self.most_processes = max(self.most_processes, len(pids))
            self._stop.wait(SAMPLE_SECONDS)


def server_cpu_seconds(home: Path) -> float:
    """CPU used so far by the embedded PostgreSQL: every process under the postmaster, plus
    the backends it has reaped (cutime/cstime), so a closed connection's work still counts."""
    postmaster = int((home / "pgdata" / "postmaster.pid").read_text().split()[0])
    ticks = 0
    for pid in _tree(postmaster):
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()
        ticks += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def run_loader(home: Path, data: Path) -> dict[str, Any]:
    """Run `load_staging` for both staging tables in a child process; time it, watch its memory.

    The child prints `@phase <name>` before each load and `@result <json>` at the end; other
    lines are the loader's own progress reports, relayed here.
    """
    command = [sys.executable, str(Path(__file__).resolve()), "--child-load", str(home), str(data)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, bufsize=1)
    result: dict[str, Any] = {}
    server_cpu: dict[str, float] = {}
    assert child.stdout is not None
    with TreeMemory(child.pid) as memory:
        for line in child.stdout:
            if line.startswith("@phase "):
                memory.phase = line.split()[1]
                server_cpu[memory.phase] = server_cpu_seconds(home)
            elif line.startswith("@result "):
                result = json.loads(line[len("@result ") :])
            else:
                print(f"    loader: {line.rstrip()}", flush=True)
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0 or not result:
        raise SystemExit(f"the loader subprocess failed (exit {child.returncode})")
    for table, following in ((EVENTS.name, SONGS.name), (SONGS.name, "done")):
        used = server_cpu[following] - server_cpu[table]
        result["tables"][table]["server_cpu_seconds"] = used
    kb = 1024
    result["peak_rss_mb"] = {phase: value / kb for phase, value in memory.peak_rss.items()}
    result["peak_pss_mb"] = {phase: value / kb for phase, value in memory.peak_pss.items()}
    result["peak_tree_rss_mb"] = max(memory.peak_rss.values()) / kb
    result["peak_tree_pss_mb"] = max(memory.peak_pss.values()) / kb
    # Each process's own peak, summed as if they all peaked at once: an upper bound, where the
    # sampled sum is a lower one (a spike shorter than SAMPLE_SECONDS escapes the sampling).
    result["sum_of_peaks_mb"] = sum(memory.high_water.values()) / kb
    result["most_processes"] = memory.most_processes
    result["wait4_maxrss_mb"] = usage.ru_maxrss / kb
    return result


def child_load(home: Path, data: Path) -> None:
    """The loader subprocess: exactly what the pipeline's staging assets call."""
    from sparkify_assets.warehouse.resource import WarehouseResource
    from sparkify_assets.warehouse.source import RawSourceResource

    warehouse = WarehouseResource(home=str(home))
    source = RawSourceResource(location=str(data))
    print("@phase idle", flush=True)  # imports done: the baseline before any load
    time.sleep(3 * SAMPLE_SECONDS)
    result: dict[str, Any] = {
        "load_workers": warehouse.load_workers,  # None: the loader's default (one per core)
        "cpus": os.cpu_count(),
        "tables": {},
    }
    for table in (EVENTS, SONGS):
        print(f"@phase {table.name}", flush=True)
        before = resource.getrusage(resource.RUSAGE_SELF)
        before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        load = warehouse.load_staging(table, source, report=lambda line: print(line, flush=True))
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        cpu += (after_children.ru_utime + after_children.ru_stime) - (
            before_children.ru_utime + before_children.ru_stime
        )
        result["tables"][table.name] = {
            "loader_process_hwm_mb": _field_kb("/proc/self/status", b"VmHWM:") / 1024,
            "seconds": seconds,
            "copy_seconds": load.result.seconds,  # the streaming COPY alone
            "client_cpu_seconds": cpu,
            "files": load.result.files,
            "rows": load.result.rows_loaded,
            "rejected": load.result.rejected,
        }
    print("@phase done", flush=True)
    for table in (EVENTS, SONGS):  # listing the files is part of each load; timed apart here
        started = time.perf_counter()
        source.list_keys(table.prefix)
        result["tables"][table.name]["list_seconds"] = time.perf_counter() - started
    result["self_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["children_maxrss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"@result {json.dumps(result)}", flush=True)


# --- PostgreSQL baselines ---------------------------------------------------------------------


@contextmanager
def connect(dsn: str, *, autocommit: bool = False) -> Iterator[Any]:
    connection = psycopg2.connect(dsn, application_name="sparkify-bench")
    connection.autocommit = autocommit
    try:
        yield connection
    finally:
        connection.close()


def checkpoint(dsn: str) -> None:
    """Flush dirty pages before a timed step, so no step pays for the previous one's writes."""
    with connect(dsn, autocommit=True) as connection:
        connection.cursor().execute("CHECKPOINT")


def server_facts(dsn: str) -> dict[str, Any]:
    """The server's version and settings as it reports them: its configuration is the embedded
    resource's to choose (and others change it), so the bench asks rather than assumes. Besides
    SETTINGS, every setting not at its built-in default, wherever it was set."""
    with connect(dsn, autocommit=True) as connection:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT version(), datcollate FROM pg_database WHERE datname = current_database()"
        )
        version, collation = cursor.fetchone()
        facts: dict[str, Any] = {"version": version, "collation": collation}
        for name in SETTINGS:
            cursor.execute(f"SHOW {name}")
            facts[name] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT name, current_setting(name), source FROM pg_settings "
            "WHERE source NOT IN ('default', 'override', 'client', 'session') "
            "AND name <> 'unix_socket_directories' ORDER BY name"  # a scratch path
        )
        facts["not_default"] = {name: f"{value} ({source})" for name, value, source in cursor}
    return facts


def raw_copy(dsn: str, table: str, scratch: Path, fmt: str) -> dict[str, float]:
    """COPY the loaded rows back in from a file, into an empty table of the same definition
    (indexes included), created in the same transaction as the loader creates its table; then
    ANALYZE, as the loader does. Only writing the file beforehand is untimed."""
    path = scratch / f"{table}.{fmt}"
    target = f"bench_raw_{table}"
    with connect(dsn) as connection, path.open("wb") as handle:
        connection.cursor().copy_expert(
            f"COPY {table} TO STDOUT (FORMAT {fmt})", handle, size=1 << 20
        )
        connection.commit()
    checkpoint(dsn)
    with connect(dsn) as connection, path.open("rb") as handle:
        cursor = connection.cursor()
        started = time.perf_counter()
        cursor.execute(f"DROP TABLE IF EXISTS {target}")
        cursor.execute(f"CREATE TABLE {target} (LIKE {table} INCLUDING ALL)")
        cursor.copy_expert(f"COPY {target} FROM STDIN (FORMAT {fmt})", handle, size=1 << 20)
        connection.commit()
        copied = time.perf_counter() - started
        cursor.execute(f"ANALYZE {target}")
        connection.commit()
        analyzed = time.perf_counter() - started - copied
        cursor.execute(f"DROP TABLE {target}")
        connection.commit()
    megabytes = path.stat().st_size / 1e6
    path.unlink()
    return {"seconds": copied, "analyze_seconds": analyzed, "file_mb": megabytes}


def _columns(dsn: str, table: str) -> list[str]:
    with connect(dsn) as connection:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
            (table,),
        )
        return [row[0] for row in cursor.fetchall()]


def naive_slices(data: Path) -> tuple[list[bytes], list[Path], int, int]:
    """Every NAIVE_EVERY-th event line and song file (chosen untimed), and the totals."""
    lines: list[bytes] = []
    total_lines = 0
    for path in sorted((data / EVENTS.prefix).rglob("*.json")):
        with path.open("rb") as handle:
            for line in handle:
                if line.strip():
                    if total_lines % NAIVE_EVERY == 0:
                        lines.append(line)
                    total_lines += 1
    songs = sorted((data / SONGS.prefix).rglob("*.json"))
    return lines, songs[::NAIVE_EVERY], total_lines, len(songs)


def naive_insert(dsn: str, data: Path) -> dict[str, Any]:
    """Row-by-row INSERT as the course template does it: `json.loads` a line (or a whole song
    file), then one `cursor.execute(INSERT …)` per row with autocommit on; and again in one
    transaction. A slice is timed and the time scaled to every row."""
    lines, song_files, total_lines, total_songs = naive_slices(data)
    event_columns, song_columns = _columns(dsn, EVENTS.name), _columns(dsn, SONGS.name)
    user_id = LOG_KEYS.index("userId")
    result: dict[str, Any] = {"slice_events": len(lines), "slice_songs": len(song_files)}
    for mode, autocommit in (("autocommit", True), ("one_transaction", False)):
        events_table, songs_table = f"bench_naive_{EVENTS.name}", f"bench_naive_{SONGS.name}"
        with connect(dsn, autocommit=True) as connection:
            cursor = connection.cursor()
            for table, like in ((events_table, EVENTS.name), (songs_table, SONGS.name)):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
                cursor.execute(f"CREATE TABLE {table} (LIKE {like} INCLUDING ALL)")
        checkpoint(dsn)
        insert_event = _insert_sql(events_table, event_columns)
        insert_song = _insert_sql(songs_table, song_columns)
        with connect(dsn, autocommit=autocommit) as connection:
            cursor = connection.cursor()
            started = time.perf_counter()
            for line in lines:
                record = json.loads(line)
                row = [record.get(key) for key in LOG_KEYS]
                if row[user_id] == "":
                    row[user_id] = None  # INTEGER column; every implementation needs this one
                cursor.execute(insert_event, row)
            connection.commit()
            events_seconds = time.perf_counter() - started
            started = time.perf_counter()
            for path in song_files:
                with path.open("rb") as handle:
                    song = json.load(handle)
                cursor.execute(insert_song, [song.get(column) for column in song_columns])
            connection.commit()
            songs_seconds = time.perf_counter() - started
            for table, expected in ((events_table, len(lines)), (songs_table, len(song_files))):
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                if cursor.fetchone()[0] != expected:
                    raise SystemExit(f"naive {mode}: {table} does not hold {expected} rows")
        result[mode] = {
            "events_slice_seconds": events_seconds,
            "songs_slice_seconds": songs_seconds,
            "events_seconds": events_seconds * total_lines / len(lines),
            "songs_seconds": songs_seconds * total_songs / len(song_files),
        }
        with connect(dsn, autocommit=True) as connection:
            for table in (events_table, songs_table):
                connection.cursor().execute(f"DROP TABLE {table}")
    return result


def _insert_sql(table: str, columns: list[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"


# --- star, checks -----------------------------------------------------------------------------


def star_builds(home: Path, dsn: str) -> list[dict[str, float]]:
    """Each star table's `rebuild` in STAR_TABLES' order (the job's), ROUNDS times over on the
    same warehouse: the first round builds empty tables as a first run does, the later ones
    replace every row, so what deleted rows leave behind (dead tuples, index entries) shows."""
    from sparkify_assets.warehouse.resource import WarehouseResource

    warehouse = WarehouseResource(home=str(home))
    rounds = []
    for number in range(1, ROUNDS + 1):
        seconds = {}
        for table in STAR_TABLES:
            checkpoint(dsn)
            started = time.perf_counter()
            warehouse.rebuild(table)
            seconds[table.name] = time.perf_counter() - started
        rounds.append(seconds)
        say(
            f"  star round {number}: {sum(seconds.values()):.2f} s ("
            + ", ".join(f"{name} {value:.2f}" for name, value in seconds.items())
            + ")"
        )
    return rounds


def check_against_truth(home: Path, truth: GroundTruth) -> None:
    """Fail loudly unless the warehouse holds what the generator says it must."""
    from sparkify_assets.sample.truth import differences
    from sparkify_assets.warehouse.resource import WarehouseResource

    with WarehouseResource(home=str(home)).session() as session:
        wrong = differences(session, truth)
    if wrong:
        raise SystemExit("the warehouse disagrees with the ground truth:\n  " + "\n  ".join(wrong))


# --- one size ---------------------------------------------------------------------------------


def code_fingerprint() -> dict[str, str]:
    """Where the measured code was imported from and a hash of it (package and sql/), so runs
    of different code can't pass for one: others may edit the loader while this runs."""
    import hashlib

    import sparkify_assets
    from sparkify_assets.model.sql import SQL_DIR

    package = Path(sparkify_assets.__file__).resolve().parent
    digest = hashlib.sha256()
    for root in (package, SQL_DIR):
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".sql"):
                digest.update(path.relative_to(root.parent).as_posix().encode())
                digest.update(path.read_bytes())
    return {"package": package.name, "sha256": digest.hexdigest()[:16]}  # no checkout path


def bench_size(name: str, size: Size, data_dir: Path, work_root: Path, job: bool) -> dict[str, Any]:
    data, truth = ensure_dataset(data_dir, name, size)
    code = code_fingerprint()
    scratch = Path(tempfile.mkdtemp(prefix=f"scale-{name}-", dir=work_root))
    home = scratch / "home"
    try:
        dsn = embedded_postgres_dsn(home)  # started here, so it is no child of the loader
        run: dict[str, Any] = {
            "size": name,
            "events": truth.events,
            "song_files": truth.song_files,
            "log_files": truth.log_files,
            "events_mb": source_bytes(data, EVENTS.prefix) / 1e6,
            "songs_mb": source_bytes(data, SONGS.prefix) / 1e6,
            "server": server_facts(dsn),
            "code": code,
            "load_average_before": os.getloadavg(),  # others' work on the machine skews times
        }
        say(f"{name}: loader (project's load_staging, in a subprocess)")
        run["loader"] = run_loader(home, data)
        for table, want in ((EVENTS.name, truth.events), (SONGS.name, truth.song_files)):
            got = run["loader"]["tables"][table]
            if got["rows"] != want or got["rejected"]:
                raise SystemExit(f"loader: {table} got {got['rows']:,} rows, want {want:,}")
        run["raw_copy"] = {}
        for fmt in ("csv", "text"):
            for table in (EVENTS.name, SONGS.name):
                say(f"{name}: raw COPY ({fmt}) of {table}")
                run["raw_copy"].setdefault(fmt, {})[table] = raw_copy(dsn, table, scratch, fmt)
        say(f"{name}: naive per-row INSERT of a 1 % slice")
        run["naive"] = naive_insert(dsn, data)
        say(f"{name}: DuckDB read_json")
        run["duckdb"] = read_json_load(data, scratch, _columns(dsn, EVENTS.name))
        for table, want in ((EVENTS.name, truth.events), (SONGS.name, truth.song_files)):
            if run["duckdb"][table]["rows"] != want:
                raise SystemExit(f"DuckDB: {table} holds {run['duckdb'][table]['rows']:,} rows")
        say(f"{name}: star tables, {ROUNDS} rounds")
        run["star_rounds"] = star_builds(home, dsn)
        check_against_truth(home, truth)
        say(f"{name}: warehouse matches the ground truth")
        say(f"{name}: the star statements in DuckDB, on the same staged rows")
        run["duckdb_star"] = star_peer(dsn, scratch, say)
        for table, want in ((EVENTS.name, truth.events), (SONGS.name, truth.song_files)):
            if run["duckdb_star"][table] != want:
                raise SystemExit(f"DuckDB's {table} got {run['duckdb_star'][table]:,} rows")
        wrong = differences(run["duckdb_star"])
        if wrong:
            raise SystemExit(
                "DuckDB's star tables differ from PostgreSQL's:\n  " + "\n  ".join(wrong)
            )
        say(f"{name}: DuckDB's star tables hold the same rows as PostgreSQL's")
        if job:
            # The job starts its own server: two would contend, and at 10m each holds GBs.
            stop_embedded_postgres(home)
            shutil.rmtree(home)
            say(f"{name}: the whole job (dagster job execute -j sparkify_etl)")
            run["job"] = run_job(data, scratch)
            say(f"{name}: job took {run['job']['seconds']:.1f} s")
        if code_fingerprint() != code:
            run["code_changed_during_run"] = True
            say(f"{name}: WARNING: the project's code changed while this size ran")
        run["load_average_after"] = os.getloadavg()
    finally:
        stop_embedded_postgres(home)
        shutil.rmtree(scratch, ignore_errors=True)
    run["summary"] = summarise(run)
    return run


def summarise(run: dict[str, Any]) -> dict[str, float]:
    """The headline numbers of one size: seconds per measure and the ratios issue 5 asks for."""
    loader = run["loader"]["tables"]
    raw, text = run["raw_copy"]["csv"], run["raw_copy"]["text"]
    naive, naive_tx = run["naive"]["autocommit"], run["naive"]["one_transaction"]
    s: dict[str, float] = {}
    for table, short in ((EVENTS.name, "events"), (SONGS.name, "songs")):
        s[f"loader_{short}"] = loader[table]["seconds"]
        s[f"loader_copy_{short}"] = loader[table]["copy_seconds"]
        s[f"loader_list_{short}"] = loader[table]["list_seconds"]
        s[f"loader_client_cpu_{short}"] = loader[table]["client_cpu_seconds"]
        s[f"loader_server_cpu_{short}"] = loader[table]["server_cpu_seconds"]
        s[f"raw_copy_{short}"] = raw[table]["seconds"]
        s[f"raw_copy_analyze_{short}"] = raw[table]["seconds"] + raw[table]["analyze_seconds"]
        s[f"raw_text_analyze_{short}"] = text[table]["seconds"] + text[table]["analyze_seconds"]
        s[f"naive_{short}"] = naive[f"{short}_seconds"]
        s[f"naive_tx_{short}"] = naive_tx[f"{short}_seconds"]
        s[f"duckdb_{short}"] = run["duckdb"][table]["seconds"]
    for measure in (
        "loader",
        "raw_copy",
        "raw_copy_analyze",
        "raw_text_analyze",
        "naive",
        "naive_tx",
        "duckdb",
    ):
        s[f"{measure}_staging"] = s[f"{measure}_events"] + s[f"{measure}_songs"]
    first, last = run["star_rounds"][0], run["star_rounds"][-1]
    peer = run["duckdb_star"]["tables"]
    for table in STAR_TABLES:
        s[f"star_{table.name}"] = first[table.name]
        s[f"peer_{table.name}"] = peer[table.name]["seconds"]
        s[f"ratio_star_peer_{table.name}"] = first[table.name] / peer[table.name]["seconds"]
        s[f"ratio_rebuild_{table.name}"] = last[table.name] / first[table.name]
    s["star_total"] = sum(first.values())
    s["peer_total"] = sum(table["seconds"] for table in peer.values())
    s["ratio_star_peer_total"] = s["star_total"] / s["peer_total"]
    for number, seconds in enumerate(run["star_rounds"], 1):
        s[f"star_round_{number}"] = sum(seconds.values())
    s["ratio_rebuild_total"] = s[f"star_round_{ROUNDS}"] / s["star_round_1"]
    if "job" in run:
        s["job_total"] = run["job"]["seconds"]
        s["job_before_run"] = run["job"]["before_run"]
        s["job_between_steps"] = run["job"]["between_steps"]
        assets = {table.name for table in ASSET_TABLES}
        steps = run["job"]["steps"]
        for step, seconds in steps.items():
            if step in assets:
                s[f"job_step_{step}"] = seconds
        s["job_checks"] = sum(seconds for step, seconds in steps.items() if step not in assets)
    slice_rows = run["naive"]["slice_events"]
    s["naive_ms_per_row"] = 1000 * naive["events_slice_seconds"] / slice_rows
    s["naive_tx_ms_per_row"] = 1000 * naive_tx["events_slice_seconds"] / slice_rows
    s["loader_rows_per_s"] = run["events"] / s["loader_events"]
    s["loader_song_files_per_s"] = run["song_files"] / s["loader_songs"]
    s["duckdb_song_files_per_s"] = run["song_files"] / s["duckdb_songs"]
    s["peak_rss_mb"] = run["loader"]["peak_tree_rss_mb"]
    s["peak_pss_mb"] = run["loader"]["peak_tree_pss_mb"]
    s["sum_of_peaks_mb"] = run["loader"]["sum_of_peaks_mb"]
    s["idle_rss_mb"] = run["loader"]["peak_rss_mb"].get("idle", 0.0)
    for suffix in ("events", "songs", "staging"):
        s[f"ratio_loader_raw_{suffix}"] = s[f"loader_{suffix}"] / s[f"raw_text_analyze_{suffix}"]
        s[f"ratio_naive_loader_{suffix}"] = s[f"naive_{suffix}"] / s[f"loader_{suffix}"]
        s[f"ratio_naive_tx_loader_{suffix}"] = s[f"naive_tx_{suffix}"] / s[f"loader_{suffix}"]
        s[f"ratio_loader_duckdb_{suffix}"] = s[f"loader_{suffix}"] / s[f"duckdb_{suffix}"]
    s["ratio_loader_raw_copy_only_staging"] = s["loader_staging"] / s["raw_copy_staging"]
    return s


def median_run(attempts: list[dict[str, Any]]) -> dict[str, Any]:
    """One record for a size run several times: the first run's details, every figure of the
    summary the median over runs (a shared machine makes single timings noisy), and each run's
    own summary kept beside it."""
    run = dict(attempts[0])
    if len(attempts) > 1:
        run["attempts"] = [attempt["summary"] for attempt in attempts]
        run["summary"] = {
            key: statistics.median(attempt["summary"][key] for attempt in attempts)
            for key in attempts[0]["summary"]
        }
        run["load_average_after"] = attempts[-1]["load_average_after"]
    # Memory has a ceiling to stay under at every size: its worst run counts, not its median.
    for key in ("peak_rss_mb", "sum_of_peaks_mb", "peak_pss_mb"):
        run["summary"][f"{key}_worst"] = max(attempt["summary"][key] for attempt in attempts)
    codes = {attempt["code"]["sha256"] for attempt in attempts}
    if len(codes) > 1 or any(attempt.get("code_changed_during_run") for attempt in attempts):
        run["code_changed_during_run"] = True
        say(f"{run['size']}: WARNING: the runs measured different versions of the code")
    run["repeats"] = len(attempts)
    return run


# --- the record -----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    memory_kb = _field_kb("/proc/meminfo", b"MemTotal:")
    cpu = ""
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "git": _git_state(),
    }


def _git_state() -> dict[str, Any]:
    """The commit measured, and which files differed from it: others edit the loader too."""
    root = Path(__file__).resolve().parent.parent

    def git(*arguments: str) -> str:
        done = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "changed": git("status", "--short").splitlines()}


def save(out: Path, runs: list[dict[str, Any]]) -> dict[str, Any]:
    results = {
        "machine": machine(),
        "runs": runs,
        "growth": growth(runs) if len(runs) > 1 else {},
    }
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1m", help=f"of {', '.join(SIZES)}")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/sparkify-bench/data"))
    parser.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="SIZE=DIR",
        help="data of one size elsewhere, e.g. 10m=/tmp/gen-bench/10m",
    )
    parser.add_argument(
        "--work-dir", type=Path, default=Path(tempfile.gettempdir()), help="scratch space"
    )
    parser.add_argument("--out", type=Path, default=Path("bench/results/scale.json"))
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per size (each on a fresh server); every figure is the median of the runs",
    )
    parser.add_argument(
        "--no-job",
        dest="job",
        action="store_false",
        help="skip the whole job (dagster job execute), which runs at every size by default",
    )
    parser.add_argument("--child-load", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_load:
        child_load(*args.child_load)
        return
    names = [name.strip().lower() for name in args.sizes.split(",") if name.strip()]
    unknown = [name for name in names if name not in SIZES]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    places = {name: args.data_dir / name for name in names}
    for given in args.data:
        name, _, where = given.partition("=")
        if name.lower() not in SIZES or not where:
            parser.error(f"--data {given}: expected SIZE=DIR with SIZE one of {', '.join(SIZES)}")
        places[name.lower()] = Path(where)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # A SIGTERM unwinds like an error, so the server is stopped and the scratch space removed.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(f"stopped by signal {number}"))
    runs: list[dict[str, Any]] = []
    for name in names:
        attempts = []
        for attempt in range(args.repeat):
            if args.repeat > 1:
                say(f"{name}: run {attempt + 1} of {args.repeat}")
            attempts.append(bench_size(name, SIZES[name], places[name], args.work_dir, args.job))
        runs.append(median_run(attempts))
        print_size(runs[-1])
        save(args.out, runs)  # after every size, so an interrupted run keeps what it measured
    slopes = growth(runs) if len(runs) > 1 else {}
    if slopes:
        print_growth(runs, slopes)
    written = write_report(save(args.out, runs), args.out)
    say(f"results in {args.out}, " + ", ".join(str(path) for path in written))


if __name__ == "__main__":
    main()
