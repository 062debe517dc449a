"""Failure alerts: one line per failed run and per failed blocking check, to a file and to a
webhook (a real HTTP server on 127.0.0.1), reported once, off unless a destination is set, and
never showing the webhook's URL. Runs fail for real in a real Dagster instance (SQLite, run
sharded, as the project's own); the sensors are evaluated as the daemon does, tick by tick.
(The alert file and the settings' refusals: test_alert_destinations.py.)"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator

import pytest
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    DagsterInstance,
    DailyPartitionsDefinition,
    DefaultSensorStatus,
    Definitions,
    asset,
    asset_check,
    build_sensor_context,
    define_asset_job,
)
from dagster._core.definitions.sensor_definition import SensorExecutionData
from dagster._core.remote_representation.external_data import RepositorySnap
from dagster._core.test_utils import instance_for_test
from dagster_shared.serdes import serialize_value

from sparkify_assets.config.settings import AlertSettings, Settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets.pipeline.alerts import build_alert_sensors
from sparkify_assets_tests.conftest import DECLARED
from sparkify_assets_tests.support.alerting import TOKEN, Webhook, lines, serving_webhook

DAYS = DailyPartitionsDefinition(start_date="2018-11-01", end_date="2018-11-08")
ALERT_VARIABLES = (
    "SPARKIFY_ALERT_FILE",
    "SPARKIFY_ALERT_WEBHOOK_URL",
    "SPARKIFY_UI_URL",
)


@asset(partitions_def=DAYS)
def staging_day() -> None:
    raise ValueError("no files under log_data/ for this day\n  Traceback-like detail: secret=1")


@asset(partitions_def=DAYS)
def checked_day() -> int:
    return 1


@asset_check(asset=checked_day, blocking=True, description="Its key never repeats.")
def key_is_unique() -> AssetCheckResult:
    return AssetCheckResult(passed=False, metadata={"duplicate_keys": 3, "examples": "a, b"})


@asset_check(asset=checked_day, blocking=True, description="It is not empty.")
def not_empty() -> AssetCheckResult:
    return AssetCheckResult(passed=False, metadata={"rows": 0})


@asset_check(asset=checked_day, description="Enough plays match a song.")
def match_share() -> AssetCheckResult:
    return AssetCheckResult(passed=False, severity=AssetCheckSeverity.WARN)


@asset_check(asset=checked_day, blocking=True, description="Counts add up.")
def counts_add_up() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


@asset_check(asset=checked_day, blocking=True, description="A warning only.")
def blocking_but_warns() -> AssetCheckResult:
    return AssetCheckResult(passed=False, severity=AssetCheckSeverity.WARN)


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    with serving_webhook() as hook:
        yield hook


@pytest.fixture
def instance() -> Iterator[DagsterInstance]:
    with instance_for_test() as instance:
        yield instance


@pytest.fixture
def alert_env(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Settings]:
    """Set the alert variables (others unset) and return the settings the code loads with."""

    def set_env(**variables: str) -> Settings:
        for name in ALERT_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return Settings.from_env(
            {"SPARKIFY_FIRST_DAY": "2018-11-01", "SPARKIFY_LAST_DAY": "2018-11-30", **variables}
        )

    return set_env


def small_definitions(settings: Settings) -> Definitions:
    return Definitions(
        assets=[staging_day, checked_day],
        asset_checks=[key_is_unique, not_empty, match_share, counts_add_up, blocking_but_warns],
        jobs=[define_asset_job("daily", selection=[staging_day])],
        sensors=build_alert_sensors(settings),
    )


def tick(
    defs: Definitions, name: str, instance: DagsterInstance, cursor: str | None
) -> SensorExecutionData:
    """One evaluation, as the daemon's: the sensor of these definitions, the stored cursor."""
    with build_sensor_context(instance=instance, cursor=cursor, definitions=defs) as context:
        return defs.resolve_sensor_def(name).evaluate_tick(context)


def fail_a_day(defs: Definitions, instance: DagsterInstance, job_name: str, day: str) -> str:
    job = (
        defs.resolve_implicit_global_asset_job_def()
        if job_name == "__ASSET_JOB"
        else defs.resolve_job_def(job_name)
    )
    result = job.execute_in_process(
        instance=instance,
        partition_key=day,
        asset_selection=[staging_day.key] if job_name == "__ASSET_JOB" else None,
        raise_on_error=False,
    )
    assert not result.success
    return result.run_id


# --- off by default ---------------------------------------------------------------------------


def test_with_no_destination_the_sensors_are_listed_stopped_and_say_how_to_switch_on():
    defs = build_definitions(DECLARED)
    for name in ("run_failure_alerts", "blocking_check_alerts"):
        sensor = defs.resolve_sensor_def(name)
        assert sensor.default_status is DefaultSensorStatus.STOPPED
        assert "SPARKIFY_ALERT_FILE" in (sensor.description or "")
        assert "SPARKIFY_ALERT_WEBHOOK_URL" in (sensor.description or "")


@pytest.mark.parametrize("variable", ["SPARKIFY_ALERT_FILE", "SPARKIFY_ALERT_WEBHOOK_URL"])
def test_with_a_destination_the_sensors_run_by_default(variable, alert_env, tmp_path, webhook):
    value = str(tmp_path / "alerts.jsonl") if variable == "SPARKIFY_ALERT_FILE" else webhook.url
    defs = build_definitions(alert_env(**{variable: value}))
    for name in ("run_failure_alerts", "blocking_check_alerts"):
        sensor = defs.resolve_sensor_def(name)
        assert sensor.default_status is DefaultSensorStatus.RUNNING
        assert variable in (sensor.description or "")


def test_the_webhook_url_is_nowhere_in_what_the_ui_is_sent(alert_env, webhook):
    settings = alert_env(SPARKIFY_ALERT_WEBHOOK_URL=webhook.url)
    snapshot = serialize_value(
        RepositorySnap.from_def(build_definitions(settings).get_repository_def())
    )
    shown = snapshot + repr(settings) + repr(AlertSettings.from_env())
    assert "SPARKIFY_ALERT_WEBHOOK_URL" in snapshot  # the sensors' descriptions name it
    assert TOKEN not in shown and "/services/" not in shown


# --- failed runs ------------------------------------------------------------------------------


@pytest.mark.parametrize("job_name", ["daily", "__ASSET_JOB"])
def test_a_failed_run_is_one_line_in_the_file_and_one_post_naming_the_run_and_job(
    job_name, alert_env, tmp_path, webhook, instance
):
    """`__ASSET_JOB` is what a backfill or "Materialize" launched from the UI runs."""
    file = tmp_path / "alerts.jsonl"
    defs = small_definitions(
        alert_env(
            SPARKIFY_ALERT_FILE=str(file),
            SPARKIFY_ALERT_WEBHOOK_URL=webhook.url,
            SPARKIFY_UI_URL="http://127.0.0.1:3000/",
        )
    )
    baseline = tick(defs, "run_failure_alerts", instance, None)
    run_id = fail_a_day(defs, instance, job_name, "2018-11-05")

    reported = tick(defs, "run_failure_alerts", instance, baseline.cursor)

    [line] = lines(file)
    assert line["event"] == "run_failure"
    assert (line["run_id"], line["job"]) == (run_id, job_name)
    assert line["tags"] == {"dagster/partition": "2018-11-05"}
    assert line["what"] == "step staging_day: ValueError: no files under log_data/ for this day"
    assert line["link"] == f"http://127.0.0.1:3000/runs/{run_id}"
    assert line["time"].endswith("Z")
    assert "Traceback" not in line["text"] and "secret" not in line["text"]
    [post] = webhook.posts
    assert post["content_type"] == "application/json"
    assert post["body"] == {"text": line["text"]}
    assert run_id in post["body"]["text"] and f"job {job_name}" in post["body"]["text"]
    assert "day 2018-11-05" in post["body"]["text"]

    # The next tick, and a tick after a daemon restart (the sensor built again, the stored
    # cursor), report nothing new.
    again = tick(defs, "run_failure_alerts", instance, reported.cursor)
    restarted = small_definitions(alert_env(SPARKIFY_ALERT_FILE=str(file)))
    tick(restarted, "run_failure_alerts", instance, again.cursor)
    assert len(lines(file)) == 1 and len(webhook.posts) == 1


def test_a_run_of_the_real_pipeline_that_finds_no_log_files_is_reported(
    settings, alert_env, tmp_path, instance
):
    """The project's own definitions and job, failing for a real reason: a source without
    files."""
    file = tmp_path / "alerts.jsonl"
    alert_env(SPARKIFY_ALERT_FILE=str(file))
    empty = tmp_path / "empty-source"
    (empty / "log_data").mkdir(parents=True)
    defs = build_definitions(
        settings(
            SPARKIFY_SOURCE=str(empty),
            SPARKIFY_FIRST_DAY="2018-11-01",
            SPARKIFY_LAST_DAY="2018-11-30",
            SPARKIFY_ALERT_FILE=str(file),
        )
    )
    assert (
        defs.resolve_sensor_def("run_failure_alerts").default_status is DefaultSensorStatus.RUNNING
    )
    baseline = tick(defs, "run_failure_alerts", instance, None)
    result = defs.resolve_job_def("sparkify_daily").execute_in_process(
        instance=instance, partition_key="2018-11-05", raise_on_error=False
    )
    assert not result.success

    tick(defs, "run_failure_alerts", instance, baseline.cursor)

    [line] = lines(file)
    assert (line["run_id"], line["job"]) == (result.run_id, "sparkify_daily")
    assert set(line["what"].split("; ")) == {
        f"step staging_events: Failure: no files under {empty}/log_data/: nothing to load",
        f"step staging_songs: Failure: no files under {empty}/song_data/: nothing to load",
    }
    assert line["tags"] == {"dagster/partition": "2018-11-05"}


@pytest.mark.parametrize("webhook_state", ["answers 500", "is down"])
def test_a_failing_webhook_is_a_warning_without_its_path_and_the_file_still_gets_the_line(
    webhook_state, alert_env, tmp_path, webhook, instance, caplog, capfd
):
    file = tmp_path / "alerts.jsonl"
    url = webhook.url
    if webhook_state == "answers 500":
        webhook.status = 500
    else:
        with socket.socket() as free:  # a port nothing listens on
            free.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{free.getsockname()[1]}/services/{TOKEN}"
    defs = small_definitions(
        alert_env(SPARKIFY_ALERT_FILE=str(file), SPARKIFY_ALERT_WEBHOOK_URL=url)
    )
    baseline = tick(defs, "run_failure_alerts", instance, None)
    fail_a_day(defs, instance, "daily", "2018-11-06")

    with caplog.at_level(logging.DEBUG):
        tick(defs, "run_failure_alerts", instance, baseline.cursor)

    assert len(lines(file)) == 1
    # The sensor's log: the daemon keeps it with the tick; here it goes to stderr.
    logged = caplog.text + "".join(capfd.readouterr())
    expected = "HTTP 500" if webhook_state == "answers 500" else "ConnectionRefusedError"
    [warning] = [line for line in logged.splitlines() if "not posted" in line]
    assert "WARNING" in warning and expected in warning and "http://127.0.0.1:" in warning
    assert TOKEN not in logged and "/services/" not in logged


# --- failed blocking checks -------------------------------------------------------------------


def test_each_failed_blocking_check_is_one_line_and_a_warning_is_none(
    alert_env, tmp_path, webhook, instance
):
    file = tmp_path / "alerts.jsonl"
    defs = small_definitions(
        alert_env(SPARKIFY_ALERT_FILE=str(file), SPARKIFY_ALERT_WEBHOOK_URL=webhook.url)
    )
    baseline = tick(defs, "blocking_check_alerts", instance, None)
    result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
        instance=instance,
        partition_key="2018-11-07",
        asset_selection=[checked_day.key],
        raise_on_error=False,
    )
    assert not result.success  # the blocking failures fail the run

    reported = tick(defs, "blocking_check_alerts", instance, baseline.cursor)

    found = {line["what"] for line in lines(file)}
    assert found == {
        "checked_day/key_is_unique — Its key never repeats. — duplicate_keys: 3",
        "checked_day/not_empty — It is not empty. — rows: 0",
    }
    assert {line["run_id"] for line in lines(file)} == {result.run_id}
    assert {line["event"] for line in lines(file)} == {"blocking_check_failure"}
    assert all(line["tags"] == {"dagster/partition": "2018-11-07"} for line in lines(file))
    assert sorted(post["body"]["text"] for post in webhook.posts) == sorted(
        line["text"] for line in lines(file)
    )
    assert "2 failed blocking checks reported of 5 evaluations" in (reported.skip_message or "")

    again = tick(defs, "blocking_check_alerts", instance, reported.cursor)
    restarted = small_definitions(alert_env(SPARKIFY_ALERT_FILE=str(file)))
    tick(restarted, "blocking_check_alerts", instance, again.cursor)
    assert len(lines(file)) == 2 and len(webhook.posts) == 2


def test_a_webhook_that_fails_is_tried_once_per_tick_not_once_per_alert(
    alert_env, tmp_path, webhook, instance
):
    webhook.status = 500
    file = tmp_path / "alerts.jsonl"
    defs = small_definitions(
        alert_env(SPARKIFY_ALERT_FILE=str(file), SPARKIFY_ALERT_WEBHOOK_URL=webhook.url)
    )
    baseline = tick(defs, "blocking_check_alerts", instance, None)
    for day in ("2018-11-06", "2018-11-07"):  # two runs, four failed blocking checks
        defs.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=instance,
            partition_key=day,
            asset_selection=[checked_day.key],
            raise_on_error=False,
        )

    tick(defs, "blocking_check_alerts", instance, baseline.cursor)

    assert len(lines(file)) == 4
    assert len(webhook.posts) == 1


def test_with_no_destination_a_started_sensor_writes_nothing_and_keeps_no_cursor(
    alert_env, instance
):
    defs = small_definitions(alert_env())
    result = tick(defs, "blocking_check_alerts", instance, None)
    assert result.cursor is None
    assert "SPARKIFY_ALERT_FILE" in (result.skip_message or "")
