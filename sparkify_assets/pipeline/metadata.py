"""What every table asset shares: what the catalogue says of it, the metadata its
materializations record (so the UI shows its size, shape and, for small tables, its rows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    DailyPartitionsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableColumnDep,
    TableColumnLineage,
    TableRecord,
    TableSchema,
)

from sparkify_assets.copyjson.drift import UnmappedKey
from sparkify_assets.model.catalogue import columns_of
from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import BuiltTable, Table, built_after
from sparkify_assets.model.targets import Target
from sparkify_assets.pipeline.code_references import sql_references
from sparkify_assets.warehouse.building import MissingUpstream
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.table_state import DailyFigures, TableState

# The pool of the steps that write the warehouse: the instance config (dagster.yaml) sets how
# many may run at once across runs, so runs started together queue instead of piling up locks.
WAREHOUSE_POOL = "warehouse"


def common_arguments(partitions: DailyPartitionsDefinition) -> dict[str, Any]:
    """What every asset declares alike: it writes the warehouse (its pool), and it shares the
    daily partitions, each range of days one run (and one COPY).

    A table not split by day (the song catalogue, users, the analysts' tables) is rebuilt whole
    by a run of any days, and its materialization is recorded for those days: the table as it
    stood for those days' plays. One partitioning for the whole graph is what lets a backfill
    of everything ("Materialize all" in the UI) be one run: Dagster starts a new run, on the
    daemon's next tick 30 s later, wherever a dependency crosses from one partitioning to
    another."""
    return {
        "partitions_def": partitions,
        "backfill_policy": BackfillPolicy.single_run(),
        "pool": WAREHOUSE_POOL,
    }


def built_asset_arguments(table: BuiltTable, target: Target, schema: str) -> dict[str, Any]:
    """What the asset of a star or analytics table declares: the same for both layers, so
    that a table's place in the UI follows from its entry in `tables.py` alone."""
    return {
        "name": table.name,
        "group_name": table.layer,
        "description": table.description,
        "deps": list(built_after(table)),
        "kinds": {target.kind, "sql"},
        "owners": list(table.owners),
        "metadata": {"primary_key": table.key, **definition_metadata(table, target, schema)},
    }


def rebuild_or_fail(
    warehouse: WarehouseResource, table: BuiltTable, days: Days = Days.ALL
) -> TableState:
    """Rebuild the table; a missing upstream table fails the step without retries, saying what
    to run first."""
    try:
        return warehouse.rebuild(table, days)
    except MissingUpstream as error:
        raise Failure(description=str(error), allow_retries=False) from None


def definition_metadata(table: Table, target: Target, schema: str) -> dict[str, Any]:
    """What the asset's page says of the table before any run: where it is (the UI's
    "Storage"), its columns and their lineage, and the SQL files behind it ("Source code")."""
    return {
        "dagster/table_name": f"{schema}.{table.name}",
        "dagster/storage_kind": target.kind,
        **catalogue_metadata(table),
        **sql_references(table, target),
    }


def catalogue_metadata(table: Table) -> dict[str, Any]:
    """The asset's columns with their descriptions and, for a built table, which upstream
    columns each is computed from: what a new analyst reads in the UI's catalogue."""
    schema = TableSchema(
        columns=[
            TableColumn(column.name, column.data_type.lower(), description=column.description)
            for column in columns_of(table)
        ]
    )
    return {"dagster/column_schema": schema, **_column_lineage(table)}


def table_metadata(table: Table, state: TableState, warehouse: WarehouseResource) -> dict[str, Any]:
    """A materialization's record of the whole table, in the keys of Dagster's TableMetadataSet
    (which the UI and catalogues read): its schema-qualified name, its rows, its columns as the
    warehouse holds them (described as the catalogue describes them) and where they come from."""
    descriptions = {column.name: column.description for column in columns_of(table)}
    return {
        "dagster/table_name": f"{warehouse.schema_name}.{table.name}",
        "dagster/storage_kind": warehouse.warehouse_target.kind,
        "dagster/row_count": state.row_count,
        "dagster/column_schema": TableSchema(
            columns=[
                TableColumn(
                    column.name,
                    column.data_type
                    + (f"({column.max_length})" if column.max_length is not None else ""),
                    description=descriptions.get(column.name),
                )
                for column in state.columns
            ]
        ),
        **_column_lineage(table),
    }


def record(
    context: AssetExecutionContext, whole: Mapping[str, Any], daily: DailyFigures
) -> MaterializeResult:
    """The materializations of a step, one per day of the run: each day's figures on its own,
    and what describes the whole table (size, columns, lineage, preview, chart) on the last
    day's only, the one the asset's page shows as latest. Dagster gives every day of a run
    whatever the step returns: before, each day carried the whole, a chart 62 KB a day."""
    run = context.op_execution_context
    if not (run.has_partition_key or run.has_partition_key_range):
        return MaterializeResult(metadata=dict(whole))
    keys = context.partition_keys
    if daily.zero:
        for key in keys:
            context.add_asset_metadata(daily.of(key), partition_key=key)
    context.add_asset_metadata(dict(whole), partition_key=keys[-1])
    return MaterializeResult()


def _column_lineage(table: Table) -> dict[str, TableColumnLineage]:
    if not isinstance(table, BuiltTable):
        return {}  # staging columns come from files, not from other assets
    return {
        "dagster/column_lineage": TableColumnLineage(
            deps_by_column={
                column.name: [
                    TableColumnDep(AssetKey(upstream), upstream_column)
                    for upstream, upstream_column in column.sources
                ]
                for column in columns_of(table)
            }
        )
    }


def preview(columns: Sequence[TableColumn], rows: Sequence[Sequence[Any]]) -> MetadataValue:
    """The table's last rows in key order as a table the UI shows in place, whatever its
    length (a Markdown value over 1,000 characters hides behind a link)."""
    names = [column.name for column in columns]
    return MetadataValue.table(
        records=[TableRecord(dict(zip(names, map(_cell, row), strict=True))) for row in rows],
        schema=TableSchema(columns=list(columns)),
    )


def _cell(value: Any) -> str | int | float | bool | None:
    """A value as a table record holds it: a number stays a number, a date is ISO text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    return str(value)


UNMAPPED_KEYS_SCHEMA = TableSchema(
    columns=[
        TableColumn("key", "string", description="Top-level JSON key that fills no column."),
        TableColumn("records", "int", description="Loaded records that had it."),
        TableColumn("example", "string", description="The first file:line that had it."),
    ]
)


def unmapped_keys_table(keys: Sequence[UnmappedKey]) -> MetadataValue:
    """JSON keys that filled no column, each with its count and first file:line: on a staging
    load's materialization and in the `new_json_keys` check's result."""
    return MetadataValue.table(
        records=[
            TableRecord({"key": key.key, "records": key.records, "example": key.example})
            for key in keys
        ],
        schema=UNMAPPED_KEYS_SCHEMA,
    )
