"""Jobs that are not asset materializations."""

from dagster import OpExecutionContext, in_process_executor, job, op

from .resources.warehouse import WarehouseResource


@op(description="Drop and recreate every table (the seed's create_tables.py).")
def drop_and_create_tables(context: OpExecutionContext, warehouse: WarehouseResource) -> None:
    tables = warehouse.reset()
    context.log.info(f"Recreated {len(tables)} empty tables: {', '.join(tables)}")


@job(executor_def=in_process_executor, description="Reset the warehouse to empty tables.")
def reset_warehouse() -> None:
    drop_and_create_tables()
