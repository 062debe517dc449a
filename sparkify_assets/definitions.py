"""Assembles the code location: assets, checks, jobs and resources. Decides nothing itself."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

from dagster import DailyPartitionsDefinition, Definitions, in_process_executor

from .assets import build_analytics_assets, build_staging_assets, build_star_assets
from .automation import log_files_sensor, yesterday_schedule
from .checks import build_checks
from .jobs import daily_job, etl_job, reset_warehouse
from .partitions import daily_partitions, days_with_log_files, partition_days
from .resources.from_settings import source_resource, warehouse_resource
from .resources.source import RawSourceResource, SourceError
from .settings import Settings, load_settings

# How long loading the code may wait for the listing of log_data/ that sets the partitions.
LISTING_SECONDS = 30


def build_definitions(settings: Settings, today: date | None = None) -> Definitions:
    source = source_resource(settings)
    days = _days(settings, source, today or datetime.now(UTC).date())
    daily = daily_job(days)
    return Definitions(
        assets=[
            *build_staging_assets(settings.target, days, settings.source),
            *build_star_assets(settings.target, days),
            *build_analytics_assets(settings.target, days),
        ],
        asset_checks=build_checks(settings.min_match_share, days),
        jobs=[etl_job(days), daily, reset_warehouse],
        sensors=[log_files_sensor(daily, days)],
        schedules=[yesterday_schedule(daily)],
        executor=in_process_executor,
        resources={"warehouse": warehouse_resource(settings), "source": source},
    )


def _days(settings: Settings, source: RawSourceResource, today: date) -> DailyPartitionsDefinition:
    """The daily partitions, as the log files say (partitions.partition_days). A source that
    can't be listed now (missing, unreachable, slower than LISTING_SECONDS) still lets the code
    location load: its runs then fail at the staging step, saying why."""
    found = None
    if settings.first_day is None or settings.last_day is None:
        listing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sparkify-listing")
        try:
            found = listing.submit(days_with_log_files, source).result(timeout=LISTING_SECONDS)
        except (SourceError, TimeoutError) as error:
            reason = str(error) or f"no answer from {source.uri()} in {LISTING_SECONDS} s"
            logging.getLogger("sparkify").warning(f"{reason}; the partitions start yesterday")
        finally:
            listing.shutdown(wait=False)
    return daily_partitions(*partition_days(settings.first_day, settings.last_day, found, today))


defs = build_definitions(load_settings())
