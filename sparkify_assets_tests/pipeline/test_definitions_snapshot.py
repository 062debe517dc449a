"""The code location's graph as a reviewer reads it: every asset, asset check, job, schedule and
sensor that `build_definitions` declares (keys, deps, partitions, kinds, owners, jobs'
selections, ...), in a sorted YAML compared with a committed snapshot, so that a change to the
graph shows in the diff of sparkify_assets_tests/snapshots/definitions.yaml (rerun with
SPARKIFY_UPDATE_SNAPSHOTS=1 after a deliberate change). Only definitions are built: no database
is started, no source is listed (both days are given) and nothing depends on today."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from dagster import (
    AssetCheckSpec,
    AssetSpec,
    AutomationCondition,
    Definitions,
    JobDefinition,
    PartitionsDefinition,
    ScheduleDefinition,
    SensorDefinition,
)

from sparkify_assets.config.settings import Settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets_tests.support.snapshots import SNAPSHOTS, assert_matches_snapshot

SNAPSHOT = SNAPSHOTS / "definitions.yaml"
KIND_TAG = "dagster/kind/"  # a kind is also a tag; shown once, as a kind


def _first_line(text: str | None) -> str | None:
    return text.strip().splitlines()[0] if text and text.strip() else None


def _declared(values: dict[str, Any]) -> dict[str, Any]:
    """The values that are set: an unset one shows in the diff when it is set."""
    return {name: value for name, value in values.items() if value not in (None, [], {})}


def _text(value: object | None) -> str | None:
    return None if value is None else str(value)


def _condition(condition: AutomationCondition | None) -> str | None:
    """A condition by its label (`eager`, `on_cron(...)`), else by its whole tree."""
    return None if condition is None else condition.get_label() or str(condition)


def _partitions(partitions: PartitionsDefinition | None) -> str | None:
    """What the partitions are, and which: the first and last key and how many."""
    if partitions is None:
        return None
    keys = partitions.get_partition_keys()
    return f"{partitions} {len(keys)} keys, {keys[0]} to {keys[-1]}"


def _asset(spec: AssetSpec, node: Any) -> dict[str, Any]:
    return _declared(
        {
            "deps": sorted(
                dep.asset_key.to_user_string()
                + (f" ({type(dep.partition_mapping).__name__})" if dep.partition_mapping else "")
                for dep in spec.deps
            ),
            "group": spec.group_name,
            "kinds": sorted(spec.kinds),
            "owners": sorted(spec.owners),
            "tags": {
                name: value for name, value in spec.tags.items() if not name.startswith(KIND_TAG)
            },
            "table": spec.metadata.get("dagster/table_name"),
            "partitions": _partitions(spec.partitions_def),
            "automation_condition": _condition(spec.automation_condition),
            "backfill_policy": _text(node.backfill_policy),
            "freshness_policy": _text(spec.freshness_policy),
            "code_version": spec.code_version,
        }
    )


def _check(spec: AssetCheckSpec) -> dict[str, Any]:
    return _declared(
        {
            "asset": spec.asset_key.to_user_string(),
            "blocking": spec.blocking,
            "additional_deps": sorted(
                dep.asset_key.to_user_string() for dep in spec.additional_deps
            ),
            "partitions": _partitions(spec.partitions_def),
            "description": _first_line(spec.description),
        }
    )


def _job(job: JobDefinition) -> dict[str, Any]:
    layer = job.asset_layer
    return _declared(
        {
            "assets": sorted(key.to_user_string() for key in layer.selected_asset_keys),
            "checks": sorted(
                f"{key.asset_key.to_user_string()}.{key.name}"
                for key in layer.asset_graph.asset_check_keys
            ),
            # a job of ops (reset_warehouse) selects no asset: its ops are what it runs
            "ops": [] if layer.selected_asset_keys else sorted(node.name for node in job.nodes),
            "partitions": _partitions(job.partitions_def),
            "tags": dict(job.tags),
        }
    )


def _schedule(schedule: ScheduleDefinition) -> dict[str, Any]:
    return _declared(
        {
            "job": schedule.job_name,
            "cron": schedule.cron_schedule,
            "timezone": schedule.execution_timezone,
            "default_status": schedule.default_status.value,
        }
    )


def _sensor(sensor: SensorDefinition) -> dict[str, Any]:
    return _declared(
        {
            "type": sensor.sensor_type.value,
            "jobs": sorted(target.job_name for target in sensor.targets) if sensor.has_jobs else [],
            "default_status": sensor.default_status.value,
            "minimum_interval_seconds": sensor.minimum_interval_seconds,
        }
    )


def graph_of(defs: Definitions) -> dict[str, Any]:
    """Every declaration of the code location, by kind and name, each as plain values."""
    graph = defs.resolve_asset_graph()
    repository = defs.get_repository_def()
    return {
        "assets": {
            spec.key.to_user_string(): _asset(spec, graph.get(spec.key))
            for spec in defs.resolve_all_asset_specs()
        },
        "asset_checks": {
            f"{key.asset_key.to_user_string()}.{key.name}": _check(graph.get_check_spec(key))
            for key in graph.asset_check_keys
        },
        "jobs": {  # the implicit __ASSET_JOB is Dagster's, not a declaration
            job.name: _job(job)
            for job in repository.get_all_jobs()
            if not job.name.startswith("__")
        },
        "schedules": {s.name: _schedule(s) for s in repository.schedule_defs},
        "sensors": {s.name: _sensor(s) for s in repository.sensor_defs},
    }


def test_every_asset_check_job_schedule_and_sensor_matches_the_snapshot(tmp_path: Path):
    home = tmp_path / "home"
    settings = Settings.from_env(
        {
            "SPARKIFY_HOME": str(home),
            "SPARKIFY_FIRST_DAY": "2018-11-01",
            "SPARKIFY_LAST_DAY": "2018-11-30",
        }
    )
    graph = graph_of(build_definitions(settings, today=date(2018, 12, 1)))
    assert not home.exists(), "building the definitions started the embedded PostgreSQL"
    assert (len(graph["assets"]), len(graph["asset_checks"])) == (15, 29 + 3)  # + freshness
    text = yaml.safe_dump(graph, sort_keys=True, allow_unicode=True, width=100)
    assert_matches_snapshot(SNAPSHOT, text)
