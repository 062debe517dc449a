"""Transactions the warehouse aborted because of a concurrent one, and trying them again.

Redshift runs every transaction serializably; when two concurrent transactions could not have
run one after the other, it aborts one with error 1023, "Serializable isolation violation", and
advises retrying it (https://docs.aws.amazon.com/redshift/latest/dg/c_serial_isolation.html).
PostgreSQL names the same outcome SQLSTATE 40001, and a deadlock 40P01
(https://www.postgresql.org/docs/15/errcodes-appendix.html). Every pipeline transaction
deletes and rewrites what it owns, so running it again from the start is safe. Only these are
retried: an error of the data or of the SQL would fail again, and is reported at once.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

import psycopg2

from sparkify_assets.warehouse.connect import first_line

ATTEMPTS = 4
FIRST_BACKOFF_SECONDS = 2.0  # then doubled each time, with jitter so two runs don't collide again
_CONFLICT_SQLSTATES = frozenset({"40001", "40P01"})
Result = TypeVar("Result")


def is_conflict(error: BaseException) -> bool:
    """Whether the warehouse aborted the transaction for a concurrent one, not for its content."""
    if not isinstance(error, psycopg2.Error):
        return False
    if error.pgcode in _CONFLICT_SQLSTATES:
        return True
    text = str(error)
    return "Serializable isolation violation" in text or text.lstrip().startswith("1023")


def retry_conflicts(
    attempt: Callable[[], Result], report: Callable[[str], None] = lambda message: None
) -> Result:
    """`attempt()`, run again in a new transaction while the warehouse aborts it for a
    concurrent one, up to ATTEMPTS times with a growing pause."""
    number = 1
    while True:
        try:
            return attempt()
        except psycopg2.Error as error:
            if not is_conflict(error) or number == ATTEMPTS:
                raise
            pause = FIRST_BACKOFF_SECONDS * 2 ** (number - 1) * random.uniform(0.5, 1.0)
            number += 1
            report(
                f"the warehouse aborted the transaction for a concurrent one "
                f"({first_line(error)}); trying again in {pause:.1f} s "
                f"(attempt {number} of {ATTEMPTS})"
            )
            time.sleep(pause)
