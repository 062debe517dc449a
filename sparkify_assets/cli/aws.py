"""The AWS commands: `sparkify cluster up|status|down` and `sparkify redshift preflight`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sparkify_assets.config.settings import Settings, SettingsError


def add_redshift_commands(commands: argparse._SubParsersAction) -> None:
    redshift = commands.add_parser(
        "redshift", help="check the Redshift target (SPARKIFY_TARGET=redshift) before loading"
    )
    actions = redshift.add_subparsers(dest="action", required=True)
    actions.add_parser(
        "preflight",
        help="probe in about a minute what Amazon's documentation leaves open; changes nothing",
        description="One line per probe: pass, fail or not run, and what was seen. The COPY "
        "probes need SPARKIFY_MANIFEST_LOCATION. Exit status 0 only when every probe passed.",
    )


def redshift_preflight(settings: Settings) -> int:
    import psycopg2

    from sparkify_assets.aws.preflight import exit_code, preflight
    from sparkify_assets.config.resources import source_resource, warehouse_resource
    from sparkify_assets.warehouse.connect import WarehouseUnreachable, first_line

    if settings.redshift is None:
        print(
            "sparkify: the preflight probes Redshift: set SPARKIFY_TARGET=redshift", file=sys.stderr
        )
        return 2
    warehouse = warehouse_resource(settings).process_config_and_initialize()
    try:
        return exit_code(preflight(warehouse, source_resource(settings)))
    except (WarehouseUnreachable, psycopg2.Error) as error:  # unreachable, or the connection lost
        print(f"sparkify: {first_line(error)}", file=sys.stderr)
        return 1


def add_cluster_commands(commands: argparse._SubParsersAction) -> None:
    cluster = commands.add_parser(
        "cluster",
        help="create, show or delete the Redshift warehouse in AWS (it costs money while it runs)",
        description="AWS region: SPARKIFY_REGION (default us-west-2). The admin password for "
        "`up`: REDSHIFT_PASSWORD; without it AWS keeps the password in Secrets Manager and the "
        "pipeline signs in with IAM.",
    )
    actions = cluster.add_subparsers(dest="action", required=True)
    up = actions.add_parser(
        "up", help="create the role, security group and warehouse; write dwh.cfg"
    )
    up.add_argument(
        "--allow-from", required=True, metavar="CIDR", help="the only network that may connect"
    )
    up.add_argument("--node-type", help="provisioned: default ra3.large (DC2 is retired)")
    up.add_argument("--nodes", type=int, help="provisioned: default 2 (ra3.large: 1 to 16)")
    up.add_argument(
        "--base-capacity",
        type=int,
        metavar="RPUS",
        help="--serverless: default 8 (4, or 8 to 512 in steps of 8)",
    )
    up.add_argument(
        "--source",
        metavar="S3_URI",
        help="what COPY may read (default SPARKIFY_SOURCE if s3://, else s3://udacity-dend)",
    )
    up.add_argument(
        "--manifest-location",
        metavar="S3_URI",
        help="where COPY manifests are written, also readable (default SPARKIFY_MANIFEST_LOCATION)",
    )
    up.add_argument("--config", type=Path, default=Path("dwh.cfg"), help="default dwh.cfg")
    up.add_argument(
        "--allow-anywhere", action="store_true", help="let --allow-from be 0.0.0.0/0 or ::/0"
    )
    status = actions.add_parser("status", help="show the warehouse, role and security group")
    down = actions.add_parser("down", help="delete the warehouse, security group and role")
    down.add_argument("--final-snapshot", metavar="ID", help="keep a snapshot of the data")
    for action in (up, status, down):
        action.add_argument(
            "--serverless",
            action="store_true",
            help="a Redshift Serverless namespace and workgroup instead of a provisioned cluster",
        )
        action.add_argument(
            "--identifier",
            help="the cluster's name, or the namespace's and workgroup's (default sparkify)",
        )


def cluster_command(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    from sparkify_assets.aws import ClusterError, ClusterSpecError
    from sparkify_assets.config.dwh_cfg import DwhConfigError

    password = os.environ.get("REDSHIFT_PASSWORD", "")
    try:
        return _cluster_action(args, password)
    except (ClusterSpecError, DwhConfigError, SettingsError) as error:
        print(f"sparkify: {error}", file=sys.stderr)
        return 2
    except (ClientError, BotoCoreError, TimeoutError, ClusterError) as error:
        hint = " (configure AWS credentials, e.g. AWS_PROFILE)"
        message = " ".join(str(error).split()) + (
            hint if isinstance(error, NoCredentialsError) else ""
        )
        if password:
            message = message.replace(password, "********")
        print(f"sparkify: {message}", file=sys.stderr)
        return 1


def _cluster_action(args: argparse.Namespace, password: str) -> int:
    from sparkify_assets.aws import (
        DEFAULT_SOURCE,
        cluster_down,
        cluster_status,
        cluster_up,
        spec_from_options,
    )
    from sparkify_assets.config.settings import ClusterSettings

    settings = ClusterSettings.from_env()
    spec = spec_from_options(
        serverless=args.serverless,
        region=settings.region,
        identifier=args.identifier,
        node_type=getattr(args, "node_type", None),
        nodes=getattr(args, "nodes", None),
        base_capacity=getattr(args, "base_capacity", None),
    )
    if args.action == "status":
        print(cluster_status(spec).describe())
    elif args.action == "down":
        cluster_down(spec, poll_seconds=settings.poll_seconds, final_snapshot=args.final_snapshot)
    else:
        cluster_up(
            spec,
            password=password or None,  # None: AWS manages it, the pipeline signs in with IAM
            allow_cidr=args.allow_from,
            allow_anywhere=args.allow_anywhere,
            config_path=args.config,
            source=args.source or settings.s3_source or DEFAULT_SOURCE,
            manifest_location=args.manifest_location or settings.manifest_location,
            poll_seconds=settings.poll_seconds,
        )
    return 0
