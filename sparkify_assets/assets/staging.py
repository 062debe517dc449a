"""Staging assets: Redshift's COPY of the raw JSON files, one asset per staging table."""

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

from ..copyjson import JsonPathsError
from ..resources.source import RawSourceResource, SourceError
from ..resources.staging_copy import CopyFailed
from ..resources.warehouse import FIRST_ERRORS_KEPT, LoadFailed, WarehouseResource
from ..tables import STAGING_TABLES, StagingTable
from ..targets import Target
from .metadata import catalogue_metadata, common_arguments, days_of_run, table_metadata


class StagingLoadConfig(Config):
    files: list[str] = Field(
        default_factory=list,
        description="Load only these keys (relative to SPARKIFY_SOURCE, under the table's "
        "prefix) instead of every file under it; on Redshift through a COPY manifest.",
    )


def _staging_asset(
    table: StagingTable, target: Target, days: DailyPartitionsDefinition, source_kind: str
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
            **catalogue_metadata(table),
        },
        **common_arguments(days),
    )
    def load(
        context: AssetExecutionContext,
        config: StagingLoadConfig,
        warehouse: WarehouseResource,
        source: RawSourceResource,
    ) -> MaterializeResult:
        try:
            load = warehouse.load_staging(
                table,
                source,
                report=context.log.info,
                files=config.files or None,
                days=days_of_run(context, days) if daily else None,
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
        return MaterializeResult(
            metadata={
                **table_metadata(table, load.table),
                "load_id": load.load_id,
                "source": load.source,
                "files": result.files,
                "records_read": result.records_read,
                "rejected": result.rejected,
                "set_aside_other_days": result.set_aside,
                "seconds": round(result.seconds, 2),
                "rows_per_second": round(result.rows_loaded / max(result.seconds, 1e-9)),
            }
        )

    return load


def build_staging_assets(
    target: Target, days: DailyPartitionsDefinition, source: str
) -> list[AssetsDefinition]:
    """The staging assets for raw files at `source`: an s3:// URI or a local directory."""
    source_kind = "s3" if source.startswith("s3://") else "file"
    return [_staging_asset(table, target, days, source_kind) for table in STAGING_TABLES]
