"""Days: which days are partitions, and which files and rows belong to which day.

A log file carries its day in its name (`log_data/2018/11/2018-11-05-events.json`); an event
belongs to the UTC day of its `ts`. A load of some days reads those days' files and keeps the
events whose `ts` falls in those days, so that reloading a day replaces exactly its rows.

The data, not the calendar, decides the partitions: they run from the first to the last day
that has a log file, found from a listing of `log_data/` alone (never `song_data/`). A feed
that is still arriving (its newest file is at most `LIVE_FEED_DAYS` old) keeps an open end
that grows with the calendar, so the sensor and the schedule find each new day's partition
without the code location being reloaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from dagster import DailyPartitionsDefinition, PartitionKeyRange

from .settings import OPEN_END, check_day_range
from .tables import STAGING_TABLES, DayColumn, StagingTable

if TYPE_CHECKING:
    from .resources.source import RawSourceResource

# The staging table loaded a day at a time, and so where the sensor looks for day files.
DAILY_STAGING: StagingTable = next(t for t in STAGING_TABLES if t.day_column is not None)
_LOG_FILE_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})-events\.json$")
_EPOCH = datetime(1970, 1, 1)
# A feed whose newest log file is at most this many days before yesterday is still arriving:
# its partitions stay open-ended (through yesterday), so a day that is late a few days shows
# as missing instead of vanishing from the partitions.
LIVE_FEED_DAYS = 7


def days_with_log_files(source: RawSourceResource) -> tuple[date, date] | None:
    """The first and last day that has a log file, from one listing of `log_data/` (for S3,
    a paginated LIST of that prefix only); None when there is none yet. SourceError when the
    source can't be listed."""
    keys = source.list_keys(DAILY_STAGING.prefix, allow_none=True)
    days = [day for day in map(day_of_log_file, keys) if day]
    return (min(days), max(days)) if days else None


def partition_days(
    first_day: date | None, last_day: date | None, found: tuple[date, date] | None, today: date
) -> tuple[date, date | None]:
    """The first and last daily partition (None: through yesterday, as days go by).

    SPARKIFY_FIRST_DAY and SPARKIFY_LAST_DAY win where set; otherwise the days with log files
    decide: from the first to the last, or, for a feed still arriving, through yesterday. With
    no log file at all, the partitions start yesterday and stay open for the first file.
    SettingsError when they are not a range a run can cover (settings.check_day_range)."""
    yesterday = today - timedelta(days=1)
    first = first_day or (found[0] if found else yesterday)
    first_told = "SPARKIFY_FIRST_DAY" if first_day else "the first log file's day"
    newest = found[1] if found else None
    last: date | None = None
    if last_day is not None:
        last, last_told = last_day, "SPARKIFY_LAST_DAY"
    elif first > yesterday:  # only files of days not over yet: the first of them, until then
        last, last_told = first, "the first log file's day"
    elif newest is not None and first <= newest < yesterday - timedelta(days=LIVE_FEED_DAYS):
        last, last_told = newest, "the last log file's day"
    else:
        last_told = OPEN_END
    check_day_range(first, last or yesterday, first_told, last_told)
    return first, last


def daily_partitions(first_day: date, last_day: date | None) -> DailyPartitionsDefinition:
    """UTC days from `first_day`, through `last_day` or, without one, through yesterday."""
    return DailyPartitionsDefinition(
        start_date=first_day.isoformat(),
        end_date=(last_day + timedelta(days=1)).isoformat() if last_day else None,
        timezone="UTC",
    )


@dataclass(frozen=True)
class Days:
    """A range of whole UTC days, first and last included."""

    first: date
    last: date
    everything: bool = False  # every day of the partitions: the whole prefix, not a file list

    @classmethod
    def of_range(cls, keys: PartitionKeyRange, partitions: DailyPartitionsDefinition) -> Days:
        whole = (partitions.get_first_partition_key(), partitions.get_last_partition_key())
        return cls(
            date.fromisoformat(keys.start),
            date.fromisoformat(keys.end),
            everything=(keys.start, keys.end) == whole,
        )

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
        return str(self.first) if self.single_day else f"{self.first}..{self.last}"


# Every day there can be: what a table is built for when no days are given.
ALL_DAYS = Days(date(1900, 1, 1), date(9999, 12, 30), everything=True)


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
