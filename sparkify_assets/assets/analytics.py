"""Analytics assets: the analysts' queries in `sql/analytics/`, each kept as a table and shown in
the UI as its rows and, where a picture reads better, as a chart."""

from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    DailyPartitionsDefinition,
    MaterializeResult,
    MetadataValue,
    asset,
)

from ..charts import bar_chart_svg, complete_axis, markdown_image
from ..resources.warehouse import WarehouseResource
from ..tables import ANALYTICS_TABLES, AnalyticsTable
from ..targets import Target
from .metadata import (
    built_asset_arguments,
    common_arguments,
    markdown_table,
    rebuild_or_fail,
    table_metadata,
)

PREVIEW_ROWS = 40  # all of every table but daily_active_users, of which the latest 40 days
CHART_BARS = 400  # daily active users: the latest 400 days, a bar a day


def _analytics_asset(
    table: AnalyticsTable, target: Target, days: DailyPartitionsDefinition
) -> AssetsDefinition:
    @asset(**built_asset_arguments(table, target), **common_arguments(days))
    def build(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        state = rebuild_or_fail(warehouse, table)
        rows = warehouse.last_rows(table, CHART_BARS)
        columns = [column.name for column in state.columns]
        metadata: dict[str, Any] = {
            **table_metadata(table, state),
            "preview": markdown_table(columns, rows[-PREVIEW_ROWS:], state.row_count),
        }
        if table.chart is not None and rows:
            chart = table.chart
            labels, values = complete_axis(
                chart.axis,
                [str(row[columns.index(chart.label)]) for row in rows],
                [float(row[columns.index(chart.value)]) for row in rows],
            )
            every_bar = len(labels) <= CHART_BARS and len(rows) == state.row_count
            labels, values = labels[-CHART_BARS:], values[-CHART_BARS:]
            title = chart.title if every_bar else f"{chart.title} (the latest {CHART_BARS})"
            svg = bar_chart_svg(title, labels, values)
            metadata["chart"] = MetadataValue.md(markdown_image(svg, chart.title))
            context.log.info(f"{table.name}: chart of {len(labels)} bars attached")
        return MaterializeResult(metadata=metadata)

    return build


def build_analytics_assets(
    target: Target, days: DailyPartitionsDefinition
) -> list[AssetsDefinition]:
    """One asset per analytics table, its kind saying which warehouse holds it."""
    return [_analytics_asset(table, target, days) for table in ANALYTICS_TABLES]
