"""The resources the settings describe: the one place that turns SPARKIFY_* and REDSHIFT_*
into a warehouse and a source, for the code location and for the `sparkify` command alike."""

from __future__ import annotations

from dagster import EnvVar
from dagster_aws.s3 import S3Resource

from sparkify_assets.config.settings import Settings
from sparkify_assets.model.targets import Target
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.source import RawSourceResource


def source_resource(settings: Settings) -> RawSourceResource:
    return RawSourceResource(
        location=settings.source,
        s3=S3Resource(
            endpoint_url=settings.s3_endpoint_url, use_unsigned_session=settings.s3_unsigned
        ),
    )


def warehouse_resource(settings: Settings) -> WarehouseResource:
    # Connection settings are EnvVars, not their values: Dagster reads them when a run starts,
    # and the UI and the run config show only the variables' names.
    common = {
        "home": str(settings.home),
        "schema_name": settings.schema,
        "maxerror": settings.maxerror,
        "truncate_columns": settings.truncate_columns,
    }
    if settings.redshift is None:
        return WarehouseResource(
            target=Target.LOCAL,
            warehouse_url=EnvVar("SPARKIFY_WAREHOUSE_URL") if settings.warehouse_url_set else None,
            **common,
        )
    redshift = settings.redshift
    # Without a password, the user and a temporary password come from AWS (redshift_signin.py).
    password = (
        {}
        if redshift.iam_sign_in
        else {
            "user": EnvVar("REDSHIFT_USER"),
            "password": EnvVar("REDSHIFT_PASSWORD"),
        }
    )
    return WarehouseResource(
        target=Target.REDSHIFT,
        host=EnvVar("REDSHIFT_HOST"),
        port=EnvVar.int("REDSHIFT_PORT") if redshift.port_is_set else 5439,
        database=EnvVar("REDSHIFT_DB"),
        **password,
        redshift_kind=redshift.kind,
        iam_sign_in_name=redshift.name if redshift.iam_sign_in else None,
        aws_region=redshift.region,
        iam_role_arn=EnvVar("SPARKIFY_IAM_ROLE_ARN"),
        region=redshift.source_region,
        manifest_location=redshift.manifest_location,
        **common,
    )
