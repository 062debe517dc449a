"""The whole job as a user runs it, timed from outside and split by Dagster's own step timings.

`dagster job execute -m sparkify_assets -j sparkify_etl` in a subprocess, from the project's
root, with only the variables a user sets: SPARKIFY_SOURCE (the data), SPARKIFY_HOME (a fresh
folder, so the embedded PostgreSQL is initdb'd as on a first run) and DAGSTER_HOME (a fresh
instance holding the project's own dagster.yaml, so the run neither lands in the project's
history nor runs under other settings). The step durations come from the run's STEP_SUCCESS
events in that instance; what the steps don't cover (starting Python, loading the code, which
lists the log files for the partitions, starting the server) is the wall time less their sum.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from sparkify_assets.model.paths import PROJECT_ROOT
from sparkify_assets.pipeline.instance import instance_config
from sparkify_assets.warehouse.embedded import stop_embedded_postgres

JOB = "sparkify_etl"
# The user's own settings must not leak into the measured run (another SPARKIFY_HOME, a schema,
# a warehouse URL): the job sees the environment less these, plus the three variables above.
_OWN_PREFIXES = ("SPARKIFY_", "DAGSTER_")


def run_job(data: Path, scratch: Path) -> dict[str, Any]:
    """Run the job on `data`; its wall time, exit status and each step's seconds."""
    home, dagster_home = scratch / "job-home", scratch / "job-dagster"
    dagster_home.mkdir(parents=True)
    config = instance_config(dagster_home)  # the project's instance, its folders under ours
    (dagster_home / "dagster.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith(_OWN_PREFIXES)}
    env.update(SPARKIFY_SOURCE=str(data), SPARKIFY_HOME=str(home), DAGSTER_HOME=str(dagster_home))
    dagster = Path(sys.executable).with_name("dagster")  # the venv's, as `uv run dagster` runs
    command = [str(dagster), "job", "execute", "-m", "sparkify_assets", "-j", JOB]
    log = scratch / "job.log"
    try:
        with log.open("wb") as output:
            started = time.perf_counter()
            done = subprocess.run(
                command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
            )
            wall = time.perf_counter() - started
    finally:
        stop_embedded_postgres(home)  # the job leaves its server running, as `sparkify run` does
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise SystemExit(f"{' '.join(command)} failed (exit {done.returncode}):\n{tail}")
    steps, run_seconds = step_seconds(dagster_home)
    return {
        "command": " ".join(command[1:]),
        "seconds": wall,
        "steps": steps,
        # Starting Python, loading the code (it lists the log files for the partitions) and
        # creating the run; then, inside the run, what no step's own timing covers.
        "before_run": wall - run_seconds,
        "between_steps": run_seconds - sum(steps.values()),
    }


def step_seconds(dagster_home: Path) -> tuple[dict[str, float], float]:
    """Each step's duration as Dagster recorded it (STEP_SUCCESS), in the order they ended, and
    the run's own seconds from RUN_START to RUN_SUCCESS."""
    from dagster import DagsterEventType, DagsterInstance, EventRecordsFilter
    from dagster._core.instance.ref import InstanceRef

    def records(kind: DagsterEventType) -> list[Any]:
        return list(instance.get_event_records(EventRecordsFilter(event_type=kind), ascending=True))

    with DagsterInstance.from_ref(InstanceRef.from_dir(str(dagster_home))) as instance:
        steps: dict[str, float] = {}
        for record in records(DagsterEventType.STEP_SUCCESS):
            event = record.event_log_entry.dagster_event
            assert event is not None and event.step_key is not None
            steps[event.step_key] = event.event_specific_data.duration_ms / 1000
        (start,), (end,) = (
            records(DagsterEventType.RUN_START),
            records(DagsterEventType.RUN_SUCCESS),
        )
    if not steps:
        raise SystemExit(f"no step of {JOB} succeeded, says the instance in {dagster_home}")
    return steps, end.timestamp - start.timestamp
