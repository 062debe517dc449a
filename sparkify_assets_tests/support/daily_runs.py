"""Daily runs as the tests of days use them: the first day and the number of days of the
generated source (the `six_days` fixture of pipeline/conftest.py), a table's rows, a day or a
range run as the sensor, the schedule and a backfill run them, and the files a run loaded."""

from __future__ import annotations

from datetime import date

from sparkify_assets.config.settings import Settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets.pipeline.tags import RANGE_END, RANGE_START
from sparkify_assets.warehouse.resource import WarehouseResource

FIRST = date(2018, 11, 1)
DAYS = 6


def contents(warehouse: WarehouseResource, table: str) -> list[tuple]:
    with warehouse.session() as session:
        session.cursor.execute(f"SELECT * FROM {table}")
        return sorted(session.cursor.fetchall(), key=repr)


def run_days(settings: Settings, first: date, last: date | None = None):
    """One day as the sensor and the schedule ask for it (a partition key); a range as a
    backfill runs it (a key range, in one run)."""
    job = build_definitions(settings).resolve_job_def("sparkify_daily")
    if last is None:
        result = job.execute_in_process(partition_key=first.isoformat(), raise_on_error=False)
    else:
        tags = {RANGE_START: first.isoformat(), RANGE_END: last.isoformat()}
        result = job.execute_in_process(tags=tags, raise_on_error=False)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return result


def files_loaded(result) -> int:
    [load] = [
        event.materialization
        for event in result.all_events
        if event.is_step_materialization and event.asset_key.to_user_string() == "staging_events"
    ]
    return load.metadata["files"].value
