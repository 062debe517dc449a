"""Waiting, in the tests of crashes, for what a killed process leaves behind, and finding the
server's backend that is doing the work a test interrupts."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

SECONDS_TO_NOTICE = 15.0  # for what a killed process leaves behind to go away


def wait_until(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    """Poll until `condition()` is truthy, and return it; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {seconds:.0f} s")
        time.sleep(0.02)
    return result


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
