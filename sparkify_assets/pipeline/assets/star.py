"""Star assets: each table rebuilt by its INSERT … SELECT in `sql/star/`; the daily ones a range
of days at a time."""

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    DailyPartitionsDefinition,
    MaterializeResult,
    asset,
)

from sparkify_assets.model.tables import STAR_TABLES, StarTable
from sparkify_assets.model.targets import Target
from sparkify_assets.pipeline.metadata import (
    built_asset_arguments,
    common_arguments,
    days_of_run,
    rebuild_or_fail,
    record,
    table_metadata,
)
from sparkify_assets.warehouse.resource import WarehouseResource


def _star_asset(
    table: StarTable, target: Target, schema: str, days: DailyPartitionsDefinition
) -> AssetsDefinition:

    @asset(
        **built_asset_arguments(table, target, schema),
        **common_arguments(days),
    )
    def build(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        run_days = days_of_run(context, days) if table.built_for_days else None
        state = rebuild_or_fail(warehouse, table, run_days)
        return record(context, table_metadata(table, state, warehouse), state.daily)

    return build


def build_star_assets(
    target: Target, schema: str, days: DailyPartitionsDefinition
) -> list[AssetsDefinition]:
    return [_star_asset(table, target, schema, days) for table in STAR_TABLES]
