"""Assembles the code location: assets, checks, jobs and resources. Decides nothing itself."""

from __future__ import annotations

from dagster import Definitions, EnvVar, in_process_executor
from dagster_aws.s3 import S3Resource

from .assets import build_analytics_assets, build_staging_assets, build_star_assets
from .automation import log_files_sensor, yesterday_schedule
from .checks import build_checks
from .jobs import daily_job, etl_job, reset_warehouse
from .partitions import daily_partitions
from .resources.source import RawSourceResource
from .resources.warehouse import WarehouseResource
from .settings import Settings, load_settings
from .targets import Target


def build_definitions(settings: Settings) -> Definitions:
    days = daily_partitions(settings.first_day, settings.last_day)
    daily = daily_job(days)
    return Definitions(
        assets=[
            *build_staging_assets(settings.target, days, settings.source),
            *build_star_assets(settings.target, days),
            *build_analytics_assets(settings.target),
        ],
        asset_checks=build_checks(settings.min_match_share, days),
        jobs=[etl_job(days), daily, reset_warehouse],
        sensors=[log_files_sensor(daily, days)],
        schedules=[yesterday_schedule(daily)],
        executor=in_process_executor,
        resources={
            "warehouse": _warehouse(settings),
            "source": RawSourceResource(
                location=settings.source,
                s3=S3Resource(
                    endpoint_url=settings.s3_endpoint_url,
                    use_unsigned_session=settings.s3_unsigned,
                ),
            ),
        },
    )


def _warehouse(settings: Settings) -> WarehouseResource:
    # Connection settings are EnvVars, not their values: Dagster reads them when a run starts,
    # and the UI and the run config show only the variables' names.
    common = {
        "home": str(settings.home),
        "schema_name": settings.schema,
        "maxerror": settings.maxerror,
        "truncate_columns": settings.truncate_columns,
    }
    if settings.redshift is None:
        return WarehouseResource(
            target=Target.LOCAL,
            warehouse_url=EnvVar("SPARKIFY_WAREHOUSE_URL") if settings.warehouse_url_set else None,
            **common,
        )
    return WarehouseResource(
        target=Target.REDSHIFT,
        host=EnvVar("REDSHIFT_HOST"),
        port=EnvVar.int("REDSHIFT_PORT") if settings.redshift.port_is_set else 5439,
        database=EnvVar("REDSHIFT_DB"),
        user=EnvVar("REDSHIFT_USER"),
        password=EnvVar("REDSHIFT_PASSWORD"),
        iam_role_arn=EnvVar("SPARKIFY_IAM_ROLE_ARN"),
        region=settings.redshift.source_region,
        manifest_location=settings.redshift.manifest_location,
        **common,
    )


defs = build_definitions(load_settings())
