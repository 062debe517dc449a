"""What every table asset shares: the metadata it records, so the UI shows its size and shape,
and the days a run covers."""

from __future__ import annotations

from typing import Any

from dagster import (
    AssetCheckExecutionContext,
    AssetExecutionContext,
    DailyPartitionsDefinition,
    PartitionKeyRange,
    TableColumn,
    TableSchema,
)

from ..partitions import ALL_DAYS, Days
from ..resources.warehouse import TableState


def days_of_run(
    context: AssetExecutionContext | AssetCheckExecutionContext, days: DailyPartitionsDefinition
) -> Days:
    """The days this run covers: one day, a range of days, or (outside a partitioned run, as
    when a check is run on its own) every day."""
    run = context.op_execution_context
    if run.has_partition_key:
        return Days.of_range(PartitionKeyRange(run.partition_key, run.partition_key), days)
    if run.has_partition_key_range:
        return Days.of_range(run.partition_key_range, days)
    return ALL_DAYS


def table_metadata(state: TableState) -> dict[str, Any]:
    return {
        "dagster/row_count": state.row_count,
        "dagster/column_schema": TableSchema(
            columns=[
                TableColumn(
                    column.name,
                    column.data_type
                    + (f"({column.max_length})" if column.max_length is not None else ""),
                )
                for column in state.columns
            ]
        ),
    }
