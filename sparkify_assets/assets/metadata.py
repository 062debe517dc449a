"""The metadata every table asset records, so the UI shows its size and shape."""

from __future__ import annotations

from typing import Any

from dagster import TableColumn, TableSchema

from ..resources.warehouse import TableState


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
