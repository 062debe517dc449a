"""The pipeline's commands: `sparkify generate`, `run`, `verify` and `summary`, and how a run's
outcome is told in a few lines (its first cause, an interruption)."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sparkify_assets.config.settings import Settings

if TYPE_CHECKING:
    from sparkify_assets.sample.generate import Progress
    from sparkify_assets.warehouse.resource import WarehouseResource


def generate_size(
    events: int | None, users: int | None, songs: int | None, days: int | None
) -> tuple[int, int, int]:
    """(users, songs, days) from the options: --events sets the users and the other defaults."""
    if events is None:
        return users or 100, songs or 1000, days or 30
    from sparkify_assets.sample.generate import days_for_events, users_for_events

    days = days or days_for_events(events)
    return users_for_events(events, days), songs or max(1000, events // 10), days


def generate(
    out: Path, users: int, songs: int, days: int, seed: int, workers: int | None = None
) -> int:
    from sparkify_assets.sample.generate import generate

    started = time.monotonic()
    try:
        truth = generate(
            out,
            users=users,
            songs=songs,
            days=days,
            seed=seed,
            workers=workers,
            progress=ProgressLine(songs, days),
        )
    except (ValueError, FileExistsError) as error:
        print(f"sparkify: {error}", file=sys.stderr)
        return 2
    print(
        f"Wrote {truth.events:,} events in {truth.log_files} log files and {truth.song_files:,} "
        f"song files to {out} in {time.monotonic() - started:.1f} s"
    )
    return 0


class ProgressLine:
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


def run(settings: Settings, job_name: str, day: date | None, last_day: date | None) -> int:
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
        generate(source, 100, 1000, 30, 42)

    from dagster import DagsterEventType

    from sparkify_assets import defs  # after the sample exists: its days are the partitions
    from sparkify_assets.config.resources import warehouse_resource
    from sparkify_assets.pipeline.instance import project_instance
    from sparkify_assets.pipeline.tags import RANGE_END, RANGE_START

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
    say_planning_time({**defs.resolve_job_def(job_name).tags, **tags})
    started = time.monotonic()
    with project_instance() as instance:
        result = defs.resolve_job_def(job_name).execute_in_process(
            instance=instance,
            tags=tags,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    if _interrupted(result.all_events):
        return say_interrupted(started)
    checks = [
        event.event_specific_data
        for event in result.all_events
        if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
    ]
    print(
        f"\nRun {result.run_id} {'succeeded' if result.success else 'FAILED'} in "
        f"{time.monotonic() - started:.1f} s."
    )
    print_tables(warehouse)
    print("\nChecks:")
    for check in sorted(checks, key=lambda c: (c.asset_key.to_user_string(), c.check_name)):
        verdict = "passed" if check.passed else f"FAILED ({check.severity.value})"
        print(f"  {check.asset_key.to_user_string():<18} {check.check_name:<34} {verdict}")
    if not result.success:
        print(f"\n{_first_cause(result.all_events)}")
    return 0 if result.success else 1


# What Dagster spends recording a run's days before its first step: 24 s for a year, 189 s for
# ten years (settings.MAX_PARTITION_DAYS), on a 2-core machine.
PLANNING_SECONDS_PER_DAY = 0.06


def say_planning_time(tags: dict[str, str]) -> None:
    """Tell, before a run of many days, why nothing will happen for a while."""
    from sparkify_assets.pipeline.tags import RANGE_END, RANGE_START

    if RANGE_START not in tags or RANGE_END not in tags:
        return
    first, last = date.fromisoformat(tags[RANGE_START]), date.fromisoformat(tags[RANGE_END])
    days = (last - first).days + 1
    if days * PLANNING_SECONDS_PER_DAY >= 10:
        print(
            f"A run of {days:,} days ({first}..{last}): Dagster records each day of each asset "
            f"before the first step, about {days * PLANNING_SECONDS_PER_DAY:.0f} s here.",
            flush=True,
        )


def say_interrupted(started: float) -> int:
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
    """The step's own error, under Dagster's wrappers: its message names the first cause
    (WarehouseFailed: "the warehouse's disk is full (…): the load of … was rolled back"); the
    driver's errors chained beneath it are for the traceback."""
    chain = _error_chain(error)
    own = next((e for e in chain if not e.cls_name.startswith("Dagster")), None)
    return (own or chain[-1]).message.strip() if chain else "no error recorded"


def _interrupted(events: Sequence[Any]) -> bool:
    """Whether Ctrl-C (SIGINT) ended the run: Dagster turns it into a failed step."""
    return any(
        error.cls_name in {"DagsterExecutionInterruptedError", "KeyboardInterrupt"}
        for event in events
        if event.is_step_failure
        for error in _error_chain(event.step_failure_data.error)
    )


def verify(settings: Settings, data: Path) -> int:
    import psycopg2

    from sparkify_assets.config.resources import warehouse_resource
    from sparkify_assets.sample.ground_truth import load_ground_truth
    from sparkify_assets.sample.truth import analytics_differences, differences

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


def print_tables(warehouse: WarehouseResource) -> None:
    from sparkify_assets.model.tables import ALL_TABLES, SONGPLAYS

    with warehouse.session() as session:
        print(f"\nWarehouse tables (schema {session.schema}):")
        for table in ALL_TABLES:
            if session.exists(table.name):
                print(f"  {table.name:<18} {session.state(table.name).row_count:>10,} rows")
            else:
                print(f"  {table.name:<18} {'not created yet':>15}")
        if session.exists(SONGPLAYS.name):
            plays, matched = session.fetch_one("checks/songplays_match_share") or (0, 0)
            print(f"  songplays matched to a song: {matched:,} of {plays:,}")
