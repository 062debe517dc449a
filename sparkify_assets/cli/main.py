"""`sparkify`: make sample data, run the pipeline with a summary, show the warehouse; create
the Redshift warehouse in AWS and probe it. This module reads the command line and hands each
command to its module: `pipeline` (generate, run, verify, summary) or `aws` (cluster, redshift).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sparkify_assets.cli import aws, pipeline
from sparkify_assets.config.settings import SettingsError, load_settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="sparkify",
        description="make sample data, run the pipeline, show the warehouse; create the "
        "Redshift warehouse in AWS and probe it",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser(
        "generate",
        help="write a deterministic sample dataset",
        description="Size it by --users/--songs/--days, or by --events N: about N events, from "
        "users = N / (days x 3.08 events a user makes a day); songs then default to N/10 and days "
        "to enough for at most 30,000 events a day (at least 30), as a day is what the generator "
        "holds in memory. The exact counts are in ground_truth.json.",
    )
    generate.add_argument(
        "--out", type=Path, help="default: SPARKIFY_SOURCE, else $SPARKIFY_HOME/sample"
    )
    size = generate.add_mutually_exclusive_group()
    size.add_argument("--events", type=int, help="about this many events (sets the users)")
    size.add_argument("--users", type=int, help="default 100")
    generate.add_argument("--songs", type=int, help="default 1000, or events/10 with --events")
    generate.add_argument("--days", type=int, help="default 30, or more with --events")
    generate.add_argument("--seed", type=int, default=42)
    generate.add_argument(
        "--workers", type=int, help="processes (default: one per CPU for a large dataset)"
    )

    run = commands.add_parser(
        "run",
        help="build the warehouse from every day of the raw files (making sample data first if "
        "there is no source), or with --day/--last-day only those days",
    )
    run.add_argument("--job", default="sparkify_etl", help="another job, e.g. reset_warehouse")
    run.add_argument(
        "--day", type=date.fromisoformat, help="load only this day (YYYY-MM-DD), or from it"
    )
    run.add_argument(
        "--last-day", type=date.fromisoformat, help="with --day: load the days through this one"
    )

    commands.add_parser("summary", help="print every table's row count")
    verify = commands.add_parser(
        "verify",
        help="compare the warehouse with the ground truth `generate` wrote beside the data",
    )
    verify.add_argument("--truth", type=Path, help="the generated data (default SPARKIFY_SOURCE)")
    commands.add_parser("stop", help="stop the embedded PostgreSQL (it keeps running otherwise)")
    aws.add_cluster_commands(commands)
    aws.add_redshift_commands(commands)

    args = parser.parse_args(argv)
    if args.command == "cluster":
        return aws.cluster_command(args)
    try:
        settings = load_settings()
    except SettingsError as error:
        parser.exit(2, f"sparkify: {error}\n")
    if args.command == "redshift":
        return aws.redshift_preflight(settings)
    if args.command == "generate":
        users, songs, days = pipeline.generate_size(args.events, args.users, args.songs, args.days)
        return pipeline.generate(
            args.out or Path(settings.source), users, songs, days, args.seed, args.workers
        )
    if args.command == "stop":
        from sparkify_assets.warehouse.embedded import stop_embedded_postgres

        stopped = stop_embedded_postgres(settings.home)
        print(
            f"Embedded PostgreSQL in {settings.home} {'stopped' if stopped else 'was not running'}."
        )
        return 0
    started = time.monotonic()
    try:
        from sparkify_assets.warehouse.connect import WarehouseUnreachable
        from sparkify_assets.warehouse.embedded import EmbeddedPostgresError
        from sparkify_assets.warehouse.source import SourceError

        try:
            if args.command == "run":
                return pipeline.run(settings, args.job, args.day, args.last_day)
            if args.command == "verify":
                return pipeline.verify(settings, args.truth or Path(settings.source))
            from sparkify_assets.config.resources import warehouse_resource

            pipeline.print_tables(warehouse_resource(settings).process_config_and_initialize())
            return 0
        except (WarehouseUnreachable, EmbeddedPostgresError, SourceError, SettingsError) as error:
            print(f"sparkify: {error}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:  # before or after the run, which reports its own interruption
        return pipeline.say_interrupted(started)
