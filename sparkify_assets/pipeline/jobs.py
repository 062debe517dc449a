"""The jobs: everything at once, day by day, and a reset."""

from typing import TYPE_CHECKING

from dagster import (
    AssetSelection,
    DailyPartitionsDefinition,
    OpExecutionContext,
    define_asset_job,
    in_process_executor,
    job,
    op,
)

from sparkify_assets.model.tables import ASSET_TABLES
from sparkify_assets.pipeline.freshness import FRESHNESS_CHECKS
from sparkify_assets.pipeline.tags import RANGE_END, RANGE_START
from sparkify_assets.warehouse.resource import WarehouseResource

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import (
        UnresolvedAssetJobDefinition,
    )

# Every table: a run of some days rebuilds their rows of the daily tables and the other tables
# whole (the song catalogue included, so that the days' plays are matched against the
# catalogue as it is now).
EVERY_ASSET = AssetSelection.groups(
    *dict.fromkeys(t.layer for t in ASSET_TABLES)
) - AssetSelection.checks(*FRESHNESS_CHECKS)  # checked on their own: freshness.py


def etl_job(partitions: DailyPartitionsDefinition) -> "UnresolvedAssetJobDefinition":
    """Every asset over every day: what `dagster job execute -j sparkify_etl` builds."""
    first, last = partitions.get_first_partition_key(), partitions.get_last_partition_key()
    return define_asset_job(
        "sparkify_etl",
        selection=EVERY_ASSET,
        description=(
            "Stage every raw file, build the whole star schema (every day with a log file) and "
            "the analysts' tables, with the checks."
        ),
        tags={RANGE_START: first, RANGE_END: last} if first and last else None,
        # One process for the whole run: each step is a few SQL statements, so the default
        # process-per-step executor would spend more time starting Python than loading data.
        executor_def=in_process_executor,
    )


def daily_job() -> "UnresolvedAssetJobDefinition":
    """One day or a range of days, in one run: what backfills, the sensor and the schedule run."""
    return define_asset_job(
        "sparkify_daily",
        selection=EVERY_ASSET,
        description="Load the log files of a day (or a range of days) and the song catalogue, "
        "rebuild the days' plays, the dimensions and the analysts' tables.",
        executor_def=in_process_executor,
    )


@op(description="Drop and recreate every table (the seed's create_tables.py).")
def drop_and_create_tables(context: OpExecutionContext, warehouse: WarehouseResource) -> None:
    tables = warehouse.reset()
    context.log.info(f"Recreated {len(tables)} empty tables: {', '.join(tables)}")


@job(executor_def=in_process_executor, description="Reset the warehouse to empty tables.")
def reset_warehouse() -> None:
    drop_and_create_tables()
