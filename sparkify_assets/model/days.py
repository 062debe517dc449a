"""Days: a range of whole UTC days, and which log files and rows belong to which day.

A log file carries its day in its name (`log_data/2018/11/2018-11-05-events.json`); an event
belongs to the UTC day of its `ts`. A load of some days reads those days' files and keeps the
events whose `ts` falls in those days, so that reloading a day replaces exactly its rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import ClassVar

from sparkify_assets.model.tables import DayColumn

_LOG_FILE_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})-events\.json$")
_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class Days:
    """A range of whole UTC days, first and last included: which days a load or a build
    covers, every day there is (`Days.ALL`) included."""

    # Every day there is: what a table not split by day is loaded and built for, and a daily
    # one outside a partitioned run.
    ALL: ClassVar[Days]

    first: date
    last: date
    # The whole table, not a file list: a load reads every file under the prefix and a rewrite
    # empties the whole table. Every day there is, and a range of every daily partition.
    whole_table: bool = False

    @property
    def bounded(self) -> bool:
        """Whether rows of days outside the range (or of no day) are not the range's: true of
        all but `Days.ALL`, whose load keeps every row and records no days."""
        return self != Days.ALL

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time())

    @property
    def end(self) -> datetime:
        """The first instant after the range."""
        return datetime.combine(self.last + timedelta(days=1), time())

    @property
    def start_ms(self) -> int:
        return _epoch_ms(self.start)

    @property
    def end_ms(self) -> int:
        return _epoch_ms(self.end)

    @property
    def single_day(self) -> bool:
        return self.first == self.last

    def parameters(self, column: DayColumn | None = None) -> dict[str, object]:
        """The range as SQL parameters, low included and high excluded: `low`/`high` in the
        unit of `column` (a TIMESTAMP without one), `low_ms`/`high_ms` in epoch milliseconds."""
        in_ms = column is not None and column.epoch_ms
        return {
            "low": self.start_ms if in_ms else self.start,
            "high": self.end_ms if in_ms else self.end,
            "low_ms": self.start_ms,
            "high_ms": self.end_ms,
        }

    def __str__(self) -> str:
        if not self.bounded:
            return "every day"
        return str(self.first) if self.single_day else f"{self.first}..{self.last}"


# From a day before any event to the last whose next day is still a date (`Days.end`).
Days.ALL = Days(date(1900, 1, 1), date(9999, 12, 30), whole_table=True)


def day_of_log_file(key: str) -> date | None:
    match = _LOG_FILE_DAY.search(key)
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def day_file(prefix: str, day: date) -> str:
    """The key of a day's log file (`log_data/2018/11/2018-11-05-events.json`)."""
    return f"{prefix}{day:%Y/%m}/{day.isoformat()}-events.json"


def log_files_of(keys: Iterable[str], days: Days) -> tuple[list[str], list[str]]:
    """The keys whose name falls in `days`, and the keys whose name carries no day: the one
    rule for which files a load of some days reads (anywhere under the prefix, named
    `…YYYY-MM-DD-events.json`)."""
    chosen, undated = [], []
    for key in keys:
        day = day_of_log_file(key)
        if day is None:
            undated.append(key)
        elif days.first <= day <= days.last:
            chosen.append(key)
    return chosen, undated


def _epoch_ms(moment: datetime) -> int:
    return int((moment - _EPOCH) / timedelta(milliseconds=1))
