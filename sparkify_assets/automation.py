"""What starts runs without a person: a sensor for new or changed log files and a daily
schedule. Both are off until switched on in the UI (or with `dagster sensor start` /
`dagster schedule start`): a warehouse should not start loading just because the UI was opened."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
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

from .partitions import day_of_log_file
from .resources.source import RawSourceResource, SourceObject
from .tables import STAGING_TABLES

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import (
        UnresolvedAssetJobDefinition,
    )

LOG_PREFIX = next(table.prefix for table in STAGING_TABLES if table.day_column is not None)
# S3 keeps LastModified to the second: a file written in the same second as the newest one
# already seen is only found by looking that far back again and skipping what was seen.
_RESOLUTION = timedelta(seconds=1)


@dataclass(frozen=True)
class LogFilesCursor:
    """The newest modification time seen, and the file versions seen within a second of it
    (a file rewritten within the same second is a new version, not a file seen already)."""

    newest: datetime | None
    seen: frozenset[str]

    @classmethod
    def parse(cls, text: str | None) -> LogFilesCursor:
        if not text:
            return cls(None, frozenset())
        data = json.loads(text)
        return cls(datetime.fromisoformat(data["newest"]), frozenset(data["seen"]))

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
        return LogFilesCursor(newest, frozenset(recent | kept))

    def dump(self) -> str:
        newest = self.newest.isoformat() if self.newest else None
        return json.dumps({"newest": newest, "seen": sorted(self.seen)})


def _mark(item: SourceObject) -> str:
    return f"{item.modified.isoformat()} {item.version} {item.key}"


def _marked_at(mark: str) -> datetime:
    return datetime.fromisoformat(mark.split(" ", 1)[0])


def log_files_sensor(
    job: UnresolvedAssetJobDefinition, days: DailyPartitionsDefinition
) -> SensorDefinition:
    @sensor(
        name="new_log_files",
        job=job,
        minimum_interval_seconds=60,
        default_status=DefaultSensorStatus.STOPPED,
        description=(
            f"Requests a run of each day whose log file under SPARKIFY_SOURCE/{LOG_PREFIX} is "
            "new or changed since the last look (by last-modified time)."
        ),
    )
    def new_log_files(
        context: SensorEvaluationContext, source: RawSourceResource
    ) -> Iterator[RunRequest | SkipReason]:
        cursor = LogFilesCursor.parse(context.cursor)
        since = cursor.newest - _RESOLUTION if cursor.newest else None
        found = cursor.unseen(source.objects_modified_since(LOG_PREFIX, since))
        changed: dict[str, datetime] = {}
        for item in found:
            day = day_of_log_file(item.key)
            if day is None or not days.has_partition_key(day.isoformat()):
                context.log.info(f"{item.key}: not a log file of a day in the partitions")
                continue
            key = day.isoformat()
            changed[key] = max(item.modified, changed.get(key, item.modified))
        context.update_cursor(cursor.after(found).dump())
        if not changed:
            yield SkipReason(f"no new or changed log files under {source.uri(LOG_PREFIX)}")
            return
        for key, modified in sorted(changed.items()):
            yield RunRequest(partition_key=key, run_key=f"{key}@{modified.isoformat()}")

    return new_log_files


def yesterday_schedule(job: UnresolvedAssetJobDefinition) -> ScheduleDefinition:
    """Each day at 01:00 UTC, the day that has just ended."""
    return build_schedule_from_partitioned_job(
        job, hour_of_day=1, default_status=DefaultScheduleStatus.STOPPED, name="daily_load"
    )
