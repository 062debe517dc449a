"""Assembles the code location from the settings: assets, checks, jobs and resources. Decides
nothing itself. `sparkify_assets.defs` is the code location Dagster loads (built on first use)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dagster import Definitions, in_process_executor

from sparkify_assets.config.resources import source_resource, warehouse_resource
from sparkify_assets.config.settings import Settings
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
from sparkify_assets.pipeline.partitions import partitions_of_source


def build_definitions(settings: Settings, today: date | None = None) -> Definitions:
    source = source_resource(settings)
    partitions = partitions_of_source(
        source, settings.first_day, settings.last_day, today or datetime.now(UTC).date()
    )
    daily = daily_job()
    return Definitions(
        assets=[
            *with_code_references(
                [
                    *build_staging_assets(
                        settings.target, settings.schema, partitions, settings.source
                    ),
                    *build_star_assets(settings.target, settings.schema, partitions),
                    *build_analytics_assets(settings.target, settings.schema, partitions),
                ]
            )
        ],
        asset_checks=[*build_checks(settings.min_match_share, partitions), *FRESHNESS_CHECKS],
        jobs=[etl_job(partitions), daily, reset_warehouse],
        sensors=[
            log_files_sensor(daily, partitions),
            freshness_sensor(),
            *build_alert_sensors(settings),
        ],
        schedules=[yesterday_schedule(daily)],
        executor=in_process_executor,
        resources={"warehouse": warehouse_resource(settings), "source": source},
    )
