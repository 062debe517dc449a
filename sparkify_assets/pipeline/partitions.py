"""The daily partitions: which days are partitions, and which of them a run covers.

The data, not the calendar, decides the partitions: they run from the first to the last day
that has a log file, found from a listing of `log_data/` alone (never `song_data/`). A feed
that is still arriving (its newest file is at most `LIVE_FEED_DAYS` old) keeps an open end
that grows with the calendar, so the sensor and the schedule find each new day's partition
without the code location being reloaded.
"""

from __future__ import annotations

import re
import threading
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from dagster import (
    AssetCheckExecutionContext,
    AssetExecutionContext,
    DailyPartitionsDefinition,
    PartitionKeyRange,
)

from sparkify_assets.config.settings import OPEN_END, SettingsError, check_day_range
from sparkify_assets.model.days import Days, day_of_log_file
from sparkify_assets.model.tables import STAGING_TABLES, StagingTable
from sparkify_assets.warehouse.source import SourceError

if TYPE_CHECKING:
    from sparkify_assets.warehouse.source import RawSourceResource

# The staging table loaded a day at a time, and so where the sensor looks for day files.
DAILY_STAGING: StagingTable = next(t for t in STAGING_TABLES if t.day_column is not None)
_LOG_FILE_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})-events\.json$")
_EPOCH = datetime(1970, 1, 1)
# A feed whose newest log file is at most this many days before yesterday is still arriving:
# its partitions stay open-ended (through yesterday), so a day that is late a few days shows
# as missing instead of vanishing from the partitions.
LIVE_FEED_DAYS = 7
# How long loading the code may wait for the listing of log_data/ that sets the partitions.
LISTING_SECONDS = 30


def days_with_log_files(source: RawSourceResource) -> tuple[date, date] | None:
    """The first and last day that has a log file, from one listing of `log_data/` (for S3,
    a paginated LIST of that prefix only); None when there is none yet. SourceError when the
    source can't be listed."""
    keys = source.list_keys(DAILY_STAGING.prefix, allow_none=True)
    dated = [day for day in map(day_of_log_file, keys) if day]
    return (min(dated), max(dated)) if dated else None


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


def partitions_of_source(
    source: RawSourceResource, first_day: date | None, last_day: date | None, today: date
) -> DailyPartitionsDefinition:
    """The daily partitions, as the log files say (partition_days).

    A source that can't be listed (missing, unreadable, unreachable, or slower than
    LISTING_SECONDS) stops the code from loading, saying why: guessed partitions would let a
    run of "every day" replace the tables with a guess's days."""
    if first_day is not None and last_day is not None:
        return daily_partitions(first_day, last_day)
    outcome: list[tuple[date, date] | SourceError | None] = []

    def listing() -> None:
        try:
            outcome.append(days_with_log_files(source))
        except SourceError as error:
            outcome.append(error)

    # A daemon thread: a listing that hangs must not keep the process from exiting either.
    worker = threading.Thread(target=listing, name="sparkify-listing", daemon=True)
    worker.start()
    worker.join(LISTING_SECONDS)
    if not outcome:
        raise SourceError(
            f"no answer listing {source.uri(DAILY_STAGING.prefix)} in {LISTING_SECONDS} s: "
            "the daily partitions are the days of its log files (or set SPARKIFY_FIRST_DAY and "
            "SPARKIFY_LAST_DAY)"
        )
    if isinstance(outcome[0], SourceError):
        raise outcome[0]
    try:
        first, last = partition_days(first_day, last_day, outcome[0], today)
    except ValueError as error:
        raise SettingsError(str(error)) from None
    return daily_partitions(first, last)


def days_of_range(keys: PartitionKeyRange, partitions: DailyPartitionsDefinition) -> Days:
    """The days of a run's partition range; the whole table when it spans all the partitions."""
    whole = (partitions.get_first_partition_key(), partitions.get_last_partition_key())
    return Days(
        date.fromisoformat(keys.start),
        date.fromisoformat(keys.end),
        whole_table=(keys.start, keys.end) == whole,
    )


def days_of_run(
    context: AssetExecutionContext | AssetCheckExecutionContext,
    partitions: DailyPartitionsDefinition,
) -> Days:
    """The days this run covers: one day, a range of days, or (outside a partitioned run, as
    when a check is run on its own) every day."""
    run = context.op_execution_context
    if run.has_partition_key:
        return days_of_range(PartitionKeyRange(run.partition_key, run.partition_key), partitions)
    if run.has_partition_key_range:
        return days_of_range(run.partition_key_range, partitions)
    return Days.ALL
