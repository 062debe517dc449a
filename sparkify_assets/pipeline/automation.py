"""What starts runs without a person: a sensor for new or changed log files and a daily
schedule. Both are off until switched on in the UI (or with `dagster sensor start` /
`dagster schedule start`): a warehouse should not start loading just because the UI was opened."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from dagster import (
    DailyPartitionsDefinition,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleDefinition,
    SensorDefinition,
    SensorEvaluationContext,
    SkipReason,
    build_schedule_from_partitioned_job,
    sensor,
)

from sparkify_assets.model.days import day_of_log_file
from sparkify_assets.pipeline.partitions import DAILY_STAGING
from sparkify_assets.pipeline.tags import RANGE_END, RANGE_START
from sparkify_assets.warehouse.source import RawSourceResource, SourceObject

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import (
        UnresolvedAssetJobDefinition,
    )

LOG_PREFIX = DAILY_STAGING.prefix
# S3 keeps LastModified to the second: a file written in the same second as the newest one
# already seen is only found by looking that far back again and skipping what was seen.
_RESOLUTION = timedelta(seconds=1)


@dataclass(frozen=True)
class LogFilesCursor:
    """The newest modification time seen, the file versions seen within a second of it (a file
    rewritten within the same second is a new version, not a file seen already), and the days
    whose files came before the day became a partition (a file written on its own day)."""

    newest: datetime | None
    seen: frozenset[str]
    waiting: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str | None) -> LogFilesCursor:
        if not text:
            return cls(None, frozenset())
        data = json.loads(text)
        return cls(
            datetime.fromisoformat(data["newest"]),
            frozenset(data["seen"]),
            frozenset(data.get("waiting", ())),
        )

    def unseen(self, found: list[SourceObject]) -> list[SourceObject]:
        return [item for item in found if _mark(item) not in self.seen]

    def after(self, found: list[SourceObject]) -> LogFilesCursor:
        if not found:
            return self
        newest = max(item.modified for item in found)
        if self.newest is not None and self.newest > newest:
            newest = self.newest
        recent = {_mark(item) for item in found if item.modified >= newest - _RESOLUTION}
        kept = {mark for mark in self.seen if _marked_at(mark) >= newest - _RESOLUTION}
        return LogFilesCursor(newest, frozenset(recent | kept), self.waiting)

    def waiting_for(self, days: Iterable[str]) -> LogFilesCursor:
        return LogFilesCursor(self.newest, self.seen, frozenset(days))

    def dump(self) -> str:
        newest = self.newest.isoformat() if self.newest else None
        return json.dumps(
            {"newest": newest, "seen": sorted(self.seen), "waiting": sorted(self.waiting)}
        )


def _consecutive(days: list[str]) -> list[tuple[str, str]]:
    """Sorted ISO days as runs of consecutive days: the first and last day of each."""
    runs: list[list[date]] = []
    for day in map(date.fromisoformat, days):
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first.isoformat(), last.isoformat()) for first, last in runs]


def _mark(item: SourceObject) -> str:
    return f"{item.modified.isoformat()} {item.version} {item.key}"


def _marked_at(mark: str) -> datetime:
    return datetime.fromisoformat(mark.split(" ", 1)[0])


def log_files_sensor(
    job: UnresolvedAssetJobDefinition, partitions: DailyPartitionsDefinition
) -> SensorDefinition:
    @sensor(
        name="new_log_files",
        job=job,
        minimum_interval_seconds=60,
        default_status=DefaultSensorStatus.STOPPED,
        description=(
            f"Requests a run of the days whose log files under SPARKIFY_SOURCE/{LOG_PREFIX} are "
            "new or changed since the last look (by last-modified time), consecutive days in "
            "one run. The first look only notes what is there."
        ),
    )
    def new_log_files(
        context: SensorEvaluationContext, source: RawSourceResource
    ) -> Iterator[RunRequest | SkipReason]:
        cursor = LogFilesCursor.parse(context.cursor)
        since = cursor.newest - _RESOLUTION if cursor.newest else None
        found = cursor.unseen(source.objects_modified_since(LOG_PREFIX, since))
        if cursor.newest is None:
            # The first look sets the baseline: the files there now are what sparkify_etl
            # loads; asking for a run of each would start hundreds of runs at once.
            context.update_cursor(cursor.after(found).dump())
            yield SkipReason(f"baseline: {len(found):,} log files seen; changes from now on")
            return
        changed = set(day for day in cursor.waiting if partitions.has_partition_key(day))
        waiting = set(cursor.waiting) - changed
        for item in found:
            day = day_of_log_file(item.key)
            if day is None:
                context.log.warning(f"{item.key}: not a log file of a day (no YYYY-MM-DD)")
            elif partitions.has_partition_key(day.isoformat()):
                changed.add(day.isoformat())
            else:  # e.g. today's file, before today is a partition
                waiting.add(day.isoformat())
                context.log.info(
                    f"{item.key}: {day} is not a daily partition (yet); it is loaded once it "
                    "is. Partitions past the last log file appear when the code location is "
                    "reloaded (UI: Deployment → Reload), unless the feed is live."
                )
        context.update_cursor(cursor.after(found).waiting_for(waiting).dump())
        if not changed:
            yield SkipReason(f"no new or changed log files under {source.uri(LOG_PREFIX)}")
            return
        stamp = (cursor.after(found).newest or datetime.min).isoformat()
        for first, last in _consecutive(sorted(changed)):
            # Days next to each other are one run: one load, one rebuild of users.
            yield RunRequest(
                run_key=f"{first}..{last}@{stamp}",
                tags={RANGE_START: first, RANGE_END: last},
            )

    return new_log_files


def yesterday_schedule(job: UnresolvedAssetJobDefinition) -> ScheduleDefinition:
    """Each day at 01:00 UTC, the day that has just ended."""
    return build_schedule_from_partitioned_job(
        job, hour_of_day=1, default_status=DefaultScheduleStatus.STOPPED, name="daily_load"
    )
