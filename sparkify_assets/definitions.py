"""Assembles the code location: assets, checks, jobs and resources. Decides nothing itself."""

from __future__ import annotations

from dagster import (
    AssetSelection,
    Definitions,
    EnvVar,
    define_asset_job,
    in_process_executor,
)
from dagster_aws.s3 import S3Resource

from .assets import staging_assets, star_assets
from .checks import build_checks
from .jobs import reset_warehouse
from .resources.source import RawSourceResource
from .resources.warehouse import WarehouseResource
from .settings import Settings

# One process for the whole run: each step is a few SQL statements, so the default
# process-per-step executor would spend more time starting Python than loading data.
sparkify_etl = define_asset_job(
    "sparkify_etl",
    selection=AssetSelection.groups("staging", "star"),
    description="Stage the raw files, build the star schema, and check keys and counts.",
    executor_def=in_process_executor,
)


def build_definitions(settings: Settings) -> Definitions:
    return Definitions(
        assets=[*staging_assets, *star_assets],
        asset_checks=build_checks(settings.min_match_share),
        jobs=[sparkify_etl, reset_warehouse],
        executor=in_process_executor,
        resources={
            "warehouse": WarehouseResource(
                # An EnvVar, not its value, so the URL's password never shows in the UI.
                warehouse_url=(
                    EnvVar("SPARKIFY_WAREHOUSE_URL") if settings.warehouse_url_set else None
                ),
                home=str(settings.home),
                schema_name=settings.schema,
                maxerror=settings.maxerror,
            ),
            "source": RawSourceResource(
                location=settings.source,
                s3=S3Resource(
                    endpoint_url=settings.s3_endpoint_url,
                    use_unsigned_session=settings.s3_unsigned,
                ),
            ),
        },
    )


defs = build_definitions(Settings.from_env())
