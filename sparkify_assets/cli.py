"""`sparkify`: make sample data, run the pipeline with a summary, show the warehouse."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from .generate import Progress
    from .resources.warehouse import WarehouseResource


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sparkify", description=__doc__)
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
    _add_cluster_commands(commands)
    _add_redshift_commands(commands)

    args = parser.parse_args(argv)
    if args.command == "cluster":
        return _cluster(args)
    try:
        settings = load_settings()
    except SettingsError as error:
        parser.exit(2, f"sparkify: {error}\n")
    if args.command == "redshift":
        return _redshift_preflight(settings)
    if args.command == "generate":
        users, songs, days = _generate_size(args.events, args.users, args.songs, args.days)
        return _generate(
            args.out or Path(settings.source), users, songs, days, args.seed, args.workers
        )
    if args.command == "stop":
        from .resources.embedded import stop_embedded_postgres

        stopped = stop_embedded_postgres(settings.home)
        print(
            f"Embedded PostgreSQL in {settings.home} {'stopped' if stopped else 'was not running'}."
        )
        return 0
    started = time.monotonic()
    try:
        from .resources.embedded import EmbeddedPostgresError
        from .resources.source import SourceError
        from .resources.warehouse import WarehouseUnreachable

        try:
            if args.command == "run":
                return _run(settings, args.job, args.day, args.last_day)
            if args.command == "verify":
                return _verify(settings, args.truth or Path(settings.source))
            from .resources.from_settings import warehouse_resource

            _print_tables(warehouse_resource(settings).process_config_and_initialize())
            return 0
        except (WarehouseUnreachable, EmbeddedPostgresError, SourceError, SettingsError) as error:
            print(f"sparkify: {error}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:  # before or after the run, which reports its own interruption
        return _say_interrupted(started)


def _add_redshift_commands(commands: argparse._SubParsersAction) -> None:
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


def _redshift_preflight(settings: Settings) -> int:
    import psycopg2

    from .preflight import exit_code, first_line, preflight
    from .resources.from_settings import source_resource, warehouse_resource
    from .resources.warehouse import WarehouseUnreachable

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


def _add_cluster_commands(commands: argparse._SubParsersAction) -> None:
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


def _cluster(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    from .cluster import ClusterError, ClusterSpecError
    from .dwh_config import DwhConfigError

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
    from .cluster import (
        DEFAULT_SOURCE,
        cluster_down,
        cluster_status,
        cluster_up,
        spec_from_options,
    )
    from .settings import ClusterSettings

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
        pipeline_source = os.environ.get("SPARKIFY_SOURCE", "")
        cluster_up(
            spec,
            password=password or None,  # None: AWS manages it, the pipeline signs in with IAM
            allow_cidr=args.allow_from,
            allow_anywhere=args.allow_anywhere,
            config_path=args.config,
            source=args.source
            or (pipeline_source if pipeline_source.startswith("s3://") else DEFAULT_SOURCE),
            manifest_location=args.manifest_location
            or os.environ.get("SPARKIFY_MANIFEST_LOCATION"),
            poll_seconds=settings.poll_seconds,
        )
    return 0


def _generate_size(
    events: int | None, users: int | None, songs: int | None, days: int | None
) -> tuple[int, int, int]:
    """(users, songs, days) from the options: --events sets the users and the other defaults."""
    if events is None:
        return users or 100, songs or 1000, days or 30
    from .generate import days_for_events, users_for_events

    days = days or days_for_events(events)
    return users_for_events(events, days), songs or max(1000, events // 10), days


def _generate(
    out: Path, users: int, songs: int, days: int, seed: int, workers: int | None = None
) -> int:
    from .generate import generate

    started = time.monotonic()
    try:
        truth = generate(
            out,
            users=users,
            songs=songs,
            days=days,
            seed=seed,
            workers=workers,
            progress=_ProgressLine(songs, days),
        )
    except (ValueError, FileExistsError) as error:
        print(f"sparkify: {error}", file=sys.stderr)
        return 2
    print(
        f"Wrote {truth.events:,} events in {truth.log_files} log files and {truth.song_files:,} "
        f"song files to {out} in {time.monotonic() - started:.1f} s"
    )
    return 0


class _ProgressLine:
    """Shows a long generation's progress every couple of seconds, on stderr so that stdout
    keeps only the summary; a small dataset is done before the first line is due."""

    EVERY = 2.0  # seconds

    def __init__(self, songs: int, days: int) -> None:
        self.songs, self.days, self.shown = songs, days, 0.0

    def __call__(self, progress: Progress) -> None:
        if progress.elapsed - self.shown < self.EVERY:
            return
        self.shown = progress.elapsed
        left = progress.elapsed * (1 - progress.done) / max(progress.done, 1e-9)
        print(
            f"  {progress.song_files:,}/{self.songs:,} song files, {progress.log_files:,}/"
            f"{self.days:,} log files, {progress.events:,} events "
            f"({progress.events / progress.elapsed:,.0f}/s), about {left:,.0f} s left",
            file=sys.stderr,
            flush=True,
        )


def _run(settings: Settings, job_name: str, day: date | None, last_day: date | None) -> int:
    source = Path(settings.source)
    if not settings.source.startswith("s3://") and not source.is_dir():
        if not settings.source_is_default:
            # A mistyped SPARKIFY_SOURCE must not quietly load made-up data, nor start a run
            # whose every step fails.
            print(
                f"sparkify: SPARKIFY_SOURCE={settings.source}: no such directory (it should "
                "hold log_data/, song_data/ and log_json_path.json)",
                file=sys.stderr,
            )
            return 2
        print(f"No raw data at {source}: generating a sample dataset there first.")
        _generate(source, 100, 1000, 30, 42)

    from dagster import DagsterEventType

    from . import defs  # after the sample exists: its days are the partitions
    from .instance import project_instance
    from .jobs import RANGE_END, RANGE_START
    from .resources.from_settings import warehouse_resource

    tags: dict[str, str] = {}
    if day is not None:
        job_name = "sparkify_daily"
        last_day = last_day or day
        partitions = defs.resolve_job_def(job_name).partitions_def
        assert partitions is not None
        keys = partitions.get_partition_keys()
        if last_day < day or not {day.isoformat(), last_day.isoformat()} <= set(keys):
            shown = f"{keys[0]}..{keys[-1]}" if keys else "none yet"
            print(
                f"sparkify: days {day}..{last_day} are not a range of the daily partitions "
                f"({shown}: the days with log files, or SPARKIFY_FIRST_DAY and SPARKIFY_LAST_DAY)",
                file=sys.stderr,
            )
            return 2
        tags = {RANGE_START: day.isoformat(), RANGE_END: last_day.isoformat()}
    warehouse = warehouse_resource(settings).process_config_and_initialize()
    with warehouse.session():
        pass  # reachable, before any step starts: else one line says why (main)
    started = time.monotonic()
    with project_instance() as instance:
        result = defs.resolve_job_def(job_name).execute_in_process(
            instance=instance,
            tags=tags,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    if _interrupted(result.all_events):
        return _say_interrupted(started)
    checks = [
        event.event_specific_data
        for event in result.all_events
        if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
    ]
    print(
        f"\nRun {result.run_id} {'succeeded' if result.success else 'FAILED'} in "
        f"{time.monotonic() - started:.1f} s."
    )
    _print_tables(warehouse)
    print("\nChecks:")
    for check in sorted(checks, key=lambda c: (c.asset_key.to_user_string(), c.check_name)):
        verdict = "passed" if check.passed else f"FAILED ({check.severity.value})"
        print(f"  {check.asset_key.to_user_string():<18} {check.check_name:<34} {verdict}")
    if not result.success:
        print(f"\n{_first_cause(result.all_events)}")
    return 0 if result.success else 1


def _say_interrupted(started: float) -> int:
    print(
        f"\nsparkify: interrupted by the user (Ctrl-C) after {time.monotonic() - started:.1f} s; "
        "every table is as it was, or as a step that had finished left it.",
        file=sys.stderr,
    )
    return 130


def _first_cause(events: Sequence[Any]) -> str:
    """What made a run fail, in a line or a few: the first failed step and the deepest cause
    of its error (the server gone, the disk full, …), or the first failed blocking check."""
    for event in events:
        if event.is_step_failure:
            failure = event.step_failure_data
            described = failure.user_failure_data.description if failure.user_failure_data else None
            return f"Failed at step {event.step_key}: {described or _root_cause(failure.error)}"
    for event in events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            check = event.event_specific_data
            if not check.passed and check.severity.value == "ERROR":
                return (
                    f"Failed: the blocking check {check.asset_key.to_user_string()}."
                    f"{check.check_name} did not pass (its metadata says why)."
                )
    return "Failed: the run ended without a failed step (see the log above)."


def _error_chain(error: Any) -> list[Any]:
    """A recorded error and the errors behind it (its cause, else its context), outermost first."""
    chain = []
    while error is not None:
        chain.append(error)
        error = error.cause or error.context
    return chain


def _root_cause(error: Any) -> str:
    """The innermost error's message: the cause, not the wrappers around it."""
    chain = _error_chain(error)
    return chain[-1].message.strip() if chain else "no error recorded"


def _interrupted(events: Sequence[Any]) -> bool:
    """Whether Ctrl-C (SIGINT) ended the run: Dagster turns it into a failed step."""
    return any(
        error.cls_name in {"DagsterExecutionInterruptedError", "KeyboardInterrupt"}
        for event in events
        if event.is_step_failure
        for error in _error_chain(event.step_failure_data.error)
    )


def _verify(settings: Settings, data: Path) -> int:
    import psycopg2

    from .generate import load_ground_truth
    from .resources.from_settings import warehouse_resource
    from .truth import analytics_differences, differences

    if str(data).startswith("s3:"):
        print("sparkify: verify reads a local ground truth: pass --truth DIR", file=sys.stderr)
        return 2
    try:
        truth = load_ground_truth(data)
    except OSError as error:
        print(f"sparkify: no ground truth in {data} ({error.strerror})", file=sys.stderr)
        return 2
    except (TypeError, ValueError):
        print(
            f"sparkify: the ground truth in {data} is not one this version writes: run "
            "`sparkify generate` again",
            file=sys.stderr,
        )
        return 2
    warehouse = warehouse_resource(settings).process_config_and_initialize()
    try:
        with warehouse.session() as session:
            found = differences(session, truth) + analytics_differences(session, truth)
    except psycopg2.errors.UndefinedTable as error:
        print(f"sparkify: {error.diag.message_primary}: run `sparkify run` first", file=sys.stderr)
        return 2
    for line in found:
        print(f"  {line}")
    print(f"The warehouse {'differs from' if found else 'matches'} the ground truth of {data}.")
    return 1 if found else 0


def _print_tables(warehouse: WarehouseResource) -> None:
    from .tables import ALL_TABLES

    with warehouse.session() as session:
        print(f"\nWarehouse tables (schema {session.schema}):")
        for table in ALL_TABLES:
            if session.exists(table.name):
                print(f"  {table.name:<18} {session.state(table.name).row_count:>10,} rows")
            else:
                print(f"  {table.name:<18} {'not created yet':>15}")
        if session.exists("songplays"):
            plays, matched = session.fetch_one("checks/songplays_match_share") or (0, 0)
            print(f"  songplays matched to a song: {matched:,} of {plays:,}")


if __name__ == "__main__":
    sys.exit(main())
