"""Analytics assets: the analysts' queries in `sql/analytics/`, each kept as a table and shown on
its asset page, in place, as its rows and, where a picture reads better, as a chart."""

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    DailyPartitionsDefinition,
    MaterializeResult,
    MetadataValue,
    asset,
)

from sparkify_assets.model.tables import ANALYTICS_TABLES, AnalyticsTable
from sparkify_assets.model.targets import Target
from sparkify_assets.pipeline.charts import ChartTooLarge, complete_axis, inline_chart
from sparkify_assets.pipeline.metadata import (
    built_asset_arguments,
    common_arguments,
    preview,
    rebuild_or_fail,
    record,
    table_metadata,
)
from sparkify_assets.warehouse.resource import WarehouseResource

PREVIEW_ROWS = 40  # all of every table but daily_active_users, of which the latest 40 days


def _analytics_asset(
    table: AnalyticsTable, target: Target, schema: str, partitions: DailyPartitionsDefinition
) -> AssetsDefinition:
    @asset(**built_asset_arguments(table, target, schema), **common_arguments(partitions))
    def build(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        state = rebuild_or_fail(warehouse, table)
        table_part = table_metadata(table, state, warehouse)
        columns = table_part["dagster/column_schema"].columns
        rows = warehouse.last_rows(table, PREVIEW_ROWS)
        shown: dict[str, MetadataValue] = {}  # first in the page's Metadata section
        if table.chart is not None and rows:
            names = [column.name for column in columns]
            label, value = names.index(table.chart.label), names.index(table.chart.value)
            labels, values = complete_axis(
                table.chart.axis,
                [str(row[label]) for row in rows],
                [float(row[value]) for row in rows],
            )
            try:
                shown["chart"] = MetadataValue.md(inline_chart(table.chart.title, labels, values))
            except ChartTooLarge as error:  # the preview below still shows every figure
                context.log.warning(f"{table.name}: no chart: {error}")
        shown["preview"] = preview(columns, rows)
        return record(context, {**shown, **table_part}, state.daily)

    return build


def build_analytics_assets(
    target: Target, schema: str, partitions: DailyPartitionsDefinition
) -> list[AssetsDefinition]:
    """One asset per analytics table, its kind saying which warehouse holds it."""
    return [_analytics_asset(table, target, schema, partitions) for table in ANALYTICS_TABLES]
