"""Star assets: each table rebuilt by its INSERT … SELECT in `sql/star/`."""

from dagster import AssetsDefinition, MaterializeResult, asset

from ..resources.warehouse import WarehouseResource
from ..tables import STAR_TABLES, StarTable
from ..targets import Target
from .metadata import table_metadata


def _star_asset(table: StarTable, target: Target) -> AssetsDefinition:
    @asset(
        name=table.name,
        group_name="star",
        description=table.description,
        deps=list(table.upstream),
        kinds={target.kind, "sql"},
        metadata={"primary_key": table.key, "sql": f"sql/{table.insert_sql}.sql"},
    )
    def build(warehouse: WarehouseResource) -> MaterializeResult:
        return MaterializeResult(metadata=table_metadata(warehouse.rebuild_star(table)))

    return build


def build_star_assets(target: Target) -> list[AssetsDefinition]:
    return [_star_asset(table, target) for table in STAR_TABLES]
