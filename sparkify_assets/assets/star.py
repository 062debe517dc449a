"""Star assets: each table rebuilt by its INSERT … SELECT in `sql/star/`; the daily ones a range
of days at a time."""

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    BackfillPolicy,
    DailyPartitionsDefinition,
    Failure,
    MaterializeResult,
    asset,
)

from ..resources.warehouse import MissingUpstream, WarehouseResource
from ..tables import STAR_TABLES, StarTable, built_after
from ..targets import Target
from .metadata import catalogue_metadata, days_of_run, table_metadata


def _star_asset(
    table: StarTable, target: Target, days: DailyPartitionsDefinition
) -> AssetsDefinition:
    daily = table.day_column is not None

    @asset(
        name=table.name,
        group_name="star",
        description=table.description,
        deps=list(built_after(table)),
        kinds={target.kind, "sql"},
        owners=list(table.owners),
        metadata={
            "primary_key": table.key,
            "sql": f"sql/{table.insert_sql}.sql",
            **catalogue_metadata(table),
        },
        partitions_def=days if daily else None,
        backfill_policy=BackfillPolicy.single_run() if daily else None,
    )
    def build(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        try:
            state = warehouse.rebuild(table, days_of_run(context, days) if daily else None)
        except MissingUpstream as error:
            raise Failure(description=str(error), allow_retries=False) from None
        return MaterializeResult(metadata=table_metadata(table, state))

    return build


def build_star_assets(target: Target, days: DailyPartitionsDefinition) -> list[AssetsDefinition]:
    return [_star_asset(table, target, days) for table in STAR_TABLES]
