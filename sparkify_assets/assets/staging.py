"""Staging assets: Redshift's COPY of the raw JSON files, one asset per staging table."""

from dagster import AssetExecutionContext, AssetsDefinition, Failure, MaterializeResult, asset

from ..copyjson import JsonPathsError
from ..resources.source import RawSourceResource, SourceError
from ..resources.warehouse import LoadFailed, WarehouseResource
from ..tables import STAGING_TABLES, StagingTable
from .metadata import table_metadata


def _staging_asset(table: StagingTable) -> AssetsDefinition:
    @asset(
        name=table.name,
        group_name="staging",
        description=table.description,
        kinds={"postgres", "json"},
        metadata={"source_prefix": table.prefix, "json_format": table.jsonpaths or "auto"},
    )
    def load(
        context: AssetExecutionContext, warehouse: WarehouseResource, source: RawSourceResource
    ) -> MaterializeResult:
        try:
            load = warehouse.load_staging(table, source, report=context.log.info)
        except LoadFailed as error:
            raise Failure(
                description=str(error),
                metadata={
                    "records_read": error.result.records_read,
                    "rejected": len(error.result.errors),
                    "first_rejected": [e.describe() for e in error.result.errors[:20]],
                },
                allow_retries=False,
            ) from None
        except (SourceError, JsonPathsError) as error:
            raise Failure(description=str(error), allow_retries=False) from None
        result = load.result
        return MaterializeResult(
            metadata={
                **table_metadata(load.table),
                "load_id": load.load_id,
                "source": load.source,
                "files": result.files,
                "records_read": result.records_read,
                "rejected": len(result.errors),
                "seconds": round(result.seconds, 2),
                "rows_per_second": round(result.rows_loaded / max(result.seconds, 1e-9)),
            }
        )

    return load


staging_assets = [_staging_asset(table) for table in STAGING_TABLES]
