"""Staging assets: Redshift's COPY of the raw JSON files, one asset per staging table."""

from collections.abc import Sequence

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    Config,
    DailyPartitionsDefinition,
    Failure,
    MaterializeResult,
    asset,
)
from pydantic import Field

from sparkify_assets.copyjson import JsonPathsError
from sparkify_assets.copyjson.drift import UnmappedKey
from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import STAGING_TABLES, StagingTable
from sparkify_assets.model.targets import Target
from sparkify_assets.pipeline.metadata import (
    common_arguments,
    definition_metadata,
    record,
    table_metadata,
    unmapped_keys_table,
)
from sparkify_assets.pipeline.partitions import days_of_run
from sparkify_assets.warehouse.copying import CopyFailed
from sparkify_assets.warehouse.loading import FIRST_ERRORS_KEPT, LoadFailed
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.source import RawSourceResource, SourceError


class StagingLoadConfig(Config):
    files: list[str] = Field(
        default_factory=list,
        description="Load only these keys (relative to SPARKIFY_SOURCE, under the table's "
        "prefix) instead of every file under it; on Redshift through a COPY manifest.",
    )


def _staging_asset(
    table: StagingTable,
    target: Target,
    schema: str,
    partitions: DailyPartitionsDefinition,
    source_kind: str,
) -> AssetsDefinition:
    daily = table.day_column is not None

    @asset(
        name=table.name,
        group_name="staging",
        description=table.description,
        kinds={target.kind, source_kind, "json"},
        owners=list(table.owners),
        metadata={
            "source_prefix": table.prefix,
            "json_format": table.jsonpaths or "auto",
            **definition_metadata(table, target, schema),
        },
        **common_arguments(partitions),
    )
    def load(
        context: AssetExecutionContext,
        config: StagingLoadConfig,
        warehouse: WarehouseResource,
        source: RawSourceResource,
    ) -> MaterializeResult:
        days = days_of_run(context, partitions) if daily else Days.ALL
        try:
            load = warehouse.load_staging(
                table,
                source,
                report=context.log.info,
                files=config.files or None,
                days=days,
            )
        except LoadFailed as error:
            raise Failure(
                description=str(error),
                metadata={
                    "records_read": error.outcome.records_read,
                    "rejected": error.outcome.rejected,
                    f"first_{FIRST_ERRORS_KEPT}_rejected": [
                        e.describe() for e in error.first_errors
                    ],
                },
                allow_retries=False,
            ) from None
        except (SourceError, JsonPathsError, CopyFailed) as error:
            raise Failure(description=str(error), allow_retries=False) from None
        result = load.result
        return record(
            context,
            {
                **table_metadata(table, load.table, warehouse),
                "load_id": load.load_id,
                "source": load.source,
                "files": result.files,
                "records_read": result.records_read,
                "rejected": result.rejected,
                "set_aside_other_days": result.set_aside,
                "seconds": round(result.seconds, 2),
                "rows_per_second": round(result.rows_loaded / max(result.seconds, 1e-9)),
                **_unmapped_keys_metadata(result.unmapped_keys),
            },
            load.table.daily,
        )

    return load


def _unmapped_keys_metadata(found: Sequence[UnmappedKey]) -> dict[str, object]:
    """Schema drift on the materialization: how many distinct JSON keys filled no column (a
    number, so the UI plots it), and, when any, each with its count and first file:line."""
    metadata: dict[str, object] = {"unmapped_keys": len(found)}
    if found:
        metadata["unmapped_key_examples"] = unmapped_keys_table(found)
    return metadata


def build_staging_assets(
    target: Target, schema: str, partitions: DailyPartitionsDefinition, source: str
) -> list[AssetsDefinition]:
    """The staging assets for raw files at `source`: an s3:// URI or a local directory."""
    source_kind = "s3" if source.startswith("s3://") else "file"
    return [
        _staging_asset(table, target, schema, partitions, source_kind) for table in STAGING_TABLES
    ]
