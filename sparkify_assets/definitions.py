"""Assembles the code location from the settings: assets, checks, jobs and resources. Decides
nothing itself. `sparkify_assets.defs` is the code location Dagster loads (built on first use)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from dagster import DailyPartitionsDefinition, Definitions, in_process_executor

from sparkify_assets.config.resources import source_resource, warehouse_resource
from sparkify_assets.config.settings import Settings, SettingsError
from sparkify_assets.pipeline.alerts import build_alert_sensors
from sparkify_assets.pipeline.assets import (
    build_analytics_assets,
    build_staging_assets,
    build_star_assets,
)
from sparkify_assets.pipeline.automation import log_files_sensor, yesterday_schedule
from sparkify_assets.pipeline.checks import build_checks
from sparkify_assets.pipeline.code_references import with_code_references
from sparkify_assets.pipeline.freshness import FRESHNESS_CHECKS, freshness_sensor
from sparkify_assets.pipeline.jobs import daily_job, etl_job, reset_warehouse
from sparkify_assets.pipeline.partitions import (
    DAILY_STAGING,
    daily_partitions,
    days_with_log_files,
    partition_days,
)
from sparkify_assets.warehouse.source import RawSourceResource, SourceError

# How long loading the code may wait for the listing of log_data/ that sets the partitions.
LISTING_SECONDS = 30


def build_definitions(settings: Settings, today: date | None = None) -> Definitions:
    source = source_resource(settings)
    days = _days(settings, source, today or datetime.now(UTC).date())
    daily = daily_job(days)
    return Definitions(
        assets=[
            *with_code_references(
                [
                    *build_staging_assets(settings.target, settings.schema, days, settings.source),
                    *build_star_assets(settings.target, settings.schema, days),
                    *build_analytics_assets(settings.target, settings.schema, days),
                ]
            )
        ],
        asset_checks=[*build_checks(settings.min_match_share, days), *FRESHNESS_CHECKS],
        jobs=[etl_job(days), daily, reset_warehouse],
        sensors=[log_files_sensor(daily, days), freshness_sensor(), *build_alert_sensors(settings)],
        schedules=[yesterday_schedule(daily)],
        executor=in_process_executor,
        resources={"warehouse": warehouse_resource(settings), "source": source},
    )


def _days(settings: Settings, source: RawSourceResource, today: date) -> DailyPartitionsDefinition:
    """The daily partitions, as the log files say (partitions.partition_days).

    A source that can't be listed (missing, unreadable, unreachable, or slower than
    LISTING_SECONDS) stops the code from loading, saying why: guessed partitions would let a
    run of "every day" replace the tables with a guess's days."""
    if settings.first_day is not None and settings.last_day is not None:
        return daily_partitions(settings.first_day, settings.last_day)
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
        first, last = partition_days(settings.first_day, settings.last_day, outcome[0], today)
    except ValueError as error:
        raise SettingsError(str(error)) from None
    return daily_partitions(first, last)
