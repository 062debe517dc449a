"""Star assets: each table rebuilt by its INSERT … SELECT in `sql/star/`; the daily ones a range
of days at a time."""

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    DailyPartitionsDefinition,
    MaterializeResult,
    asset,
)

from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import STAR_TABLES, StarTable
from sparkify_assets.model.targets import Target
from sparkify_assets.pipeline.metadata import (
    built_asset_arguments,
    common_arguments,
    rebuild_or_fail,
    record,
    table_metadata,
)
from sparkify_assets.pipeline.partitions import days_of_run
from sparkify_assets.warehouse.resource import WarehouseResource


def _star_asset(
    table: StarTable, target: Target, schema: str, partitions: DailyPartitionsDefinition
) -> AssetsDefinition:

    @asset(
        **built_asset_arguments(table, target, schema),
        **common_arguments(partitions),
    )
    def build(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        days = days_of_run(context, partitions) if table.built_for_days else Days.ALL
        state = rebuild_or_fail(warehouse, table, days)
        return record(context, table_metadata(table, state, warehouse), state.daily)

    return build


def build_star_assets(
    target: Target, schema: str, partitions: DailyPartitionsDefinition
) -> list[AssetsDefinition]:
    return [_star_asset(table, target, schema, partitions) for table in STAR_TABLES]
