"""Failure alerts: one line per failed run and per failed blocking check, to a file and/or a
webhook named in the environment (README, "Failure alerts").

Two sensors, because a run and a check fail in different places: a run's failure is a run
status change (Dagster's `run_failure_sensor` keeps that cursor), a check's result is an
ASSET_CHECK_EVALUATION event in the event log (this module's sensor keeps the storage id of the
last one it read). Both are off unless a destination is set: an alert with nowhere to go is
noise in the daemon's log. A destination that fails (a full disk, a webhook answering 500 or
not at all) costs a warning in the sensor's log, never the sensor, and is not retried: the
next tick would only fail the same way, and a failure is reported once.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from dagster import (
    AssetCheckEvaluation,
    AssetCheckSeverity,
    DagsterEventType,
    DefaultSensorStatus,
    RunFailureSensorContext,
    SensorDefinition,
    SensorEvaluationContext,
    SkipReason,
    run_failure_sensor,
    sensor,
)
from dagster._utils.error import SerializableErrorInfo

from sparkify_assets.config.settings import AlertSettings, Settings
from sparkify_assets.pipeline.tags import BACKFILL, PARTITION, RANGE_END, RANGE_START

WEBHOOK_TIMEOUT_SECONDS = 5
# Check evaluations read per tick: enough for every check of a few runs; the rest, next tick.
CHECK_EVALUATIONS_PER_TICK = 200
# How long a piece of a line (an error, a description, a metadata value) may be: an alert is
# read at a glance, and a long message is in the run's page, a click away.
PIECE_CHARACTERS = 300
_RUN_TAGS = {
    PARTITION: "day",
    RANGE_START: "from",
    RANGE_END: "to",
    BACKFILL: "backfill",
}
_OFF = (
    "Off: set SPARKIFY_ALERT_FILE (a file to append to) and/or SPARKIFY_ALERT_WEBHOOK_URL "
    "(a Slack-compatible webhook) where the code location runs, and reload it; the sensor then "
    "runs by itself (README, 'Failure alerts')."
)


@dataclass(frozen=True)
class Alert:
    """One failure. The file gets it as one JSON object per line (a script can filter it by
    run, job or asset); the webhook gets `text`, the same facts as one readable line."""

    time: str  # when it failed, UTC, ISO 8601
    event: str  # "run_failure" or "blocking_check_failure"
    run_id: str
    job: str
    what: str  # the failing steps and first line of each error, or the check and why
    tags: dict[str, str] = field(default_factory=dict)  # partition, range, backfill
    link: str | None = None  # the run in the UI, when SPARKIFY_UI_URL is set

    @property
    def text(self) -> str:
        title = "run failed" if self.event == "run_failure" else "blocking check failed"
        where = [f"job {self.job}"] if self.job else []
        where += [f"run {self.run_id}"] + [f"{_RUN_TAGS[k]} {v}" for k, v in self.tags.items()]
        link = f" {self.link}" if self.link else ""
        return f"{self.time} Sparkify {title}: {self.what} ({', '.join(where)}){link}"

    def json_line(self) -> bytes:
        return (json.dumps({**asdict(self), "text": self.text}, ensure_ascii=False) + "\n").encode()


def build_alert_sensors(settings: Settings) -> list[SensorDefinition]:
    """The two alert sensors, running by default when a destination is set and stopped
    otherwise, so the UI lists them either way and says how to switch them on."""
    on = bool(settings.alert_destinations)
    status = DefaultSensorStatus.RUNNING if on else DefaultSensorStatus.STOPPED
    to = " and ".join(settings.alert_destinations)

    def declared(name: str, failure: str) -> dict[str, Any]:
        """What both sensors declare alike; the description says what the sensor writes and
        where, or, while it has nowhere to write, how to set that."""
        return {
            "name": name,
            "minimum_interval_seconds": 30,
            "default_status": status,
            "description": f"Writes one line per {failure} to {to}."
            if on
            else f"Writes one line per {failure}. {_OFF}",
        }

    # No monitored_jobs: the sensor then watches every run of this code location, the implicit
    # `__ASSET_JOB` of backfills and of "Materialize" in the UI included; naming the jobs
    # would leave those out.
    @run_failure_sensor(**declared("run_failure_alerts", "failed run of this code location"))
    def run_failure_alerts(context: RunFailureSensorContext) -> None:
        alerts = AlertSettings.from_env()
        if not alerts.destinations:
            context.log.warning(f"run {context.dagster_run.run_id} failed, not reported: {_OFF}")
            return
        deliver(run_failure_alert(context, alerts), alerts, context.log)

    @sensor(**declared("blocking_check_alerts", "failed blocking check (ERROR severity)"))
    def blocking_check_alerts(context: SensorEvaluationContext) -> SkipReason:
        return _report_failed_checks(context, AlertSettings.from_env())

    return [run_failure_alerts, blocking_check_alerts]


def run_failure_alert(context: RunFailureSensorContext, settings: AlertSettings) -> Alert:
    """The failed run as an alert: each failed step with the first line of its error, or the
    run's own error when no step failed (a run worker that died, a resource that failed)."""
    run = context.dagster_run
    steps = [
        f"step {event.step_key}: {_first_line(event.step_failure_data.error) or 'failed'}"
        for event in context.get_step_failure_events()
    ]
    if not steps:
        data = context.failure_event.job_failure_data
        steps = [
            _first_line(data.error if data is not None else None)
            or _one_line(context.failure_event.message or "failed")
        ]
    record = context.instance.get_run_record_by_id(run.run_id)
    ended = record.end_time if record is not None and record.end_time else None
    return Alert(
        time=_utc(ended),
        event="run_failure",
        run_id=run.run_id,
        job=run.job_name,
        what="; ".join(steps),
        tags=_run_tags(run.tags),
        link=_link(settings, run.run_id),
    )


def deliver(alert: Alert, settings: AlertSettings, log: logging.Logger, post: bool = True) -> bool:
    """Append the alert to the file and post it to the webhook, whichever are set; False when
    the webhook failed. `post` False skips the webhook (it failed earlier in this tick: each
    further post would only wait out its timeout)."""
    if settings.file is not None:
        _append(settings.file, alert.json_line(), log)
    if settings.webhook_url is not None and post:
        return _post(settings.webhook_url, alert.text, log)
    return post


def _report_failed_checks(context: SensorEvaluationContext, settings: AlertSettings) -> SkipReason:
    """Report each failed blocking check of this code location evaluated since the cursor, the
    storage id of the last evaluation read. The first tick only notes where the log is, so
    switching the sensor on does not report the past."""
    if not settings.destinations:
        return SkipReason(_OFF)
    storage = context.instance.event_log_storage
    if context.cursor is None:
        last = storage.get_maximum_record_id() or -1
        context.update_cursor(str(last))
        return SkipReason(f"baseline: check evaluations after event {last} are reported")
    # The index of every run's events (Dagster mirrors check evaluations there in its SQLite
    # storage too), in storage order: get_event_records would need a run-sharded cursor there.
    entries = storage.get_logs_for_all_runs_by_log_id(
        after_cursor=int(context.cursor),
        dagster_event_type=DagsterEventType.ASSET_CHECK_EVALUATION,
        limit=CHECK_EVALUATIONS_PER_TICK,
    )
    assert context.repository_def is not None  # always set when Dagster evaluates a sensor
    graph = context.repository_def.asset_graph
    ours = graph.asset_check_keys
    reported = 0
    post = True
    for storage_id, entry in entries.items():
        context.update_cursor(str(storage_id))
        assert entry.dagster_event is not None  # the query asks for Dagster events only
        evaluation = entry.dagster_event.asset_check_evaluation_data
        key = evaluation.asset_check_key
        if evaluation.passed or key not in ours:
            continue  # a pass, or another code location's check in a shared instance
        spec = graph.get_check_spec(key)
        # A run records it on the evaluation; one reported from outside a run may not, and
        # then the check's definition says.
        blocking = spec.blocking if evaluation.blocking is None else evaluation.blocking
        if not blocking or evaluation.severity is not AssetCheckSeverity.ERROR:
            continue  # a WARN result blocks nothing, even from a blocking check
        run = context.instance.get_run_by_id(entry.run_id) if entry.run_id else None
        alert = Alert(
            time=_utc(entry.timestamp),
            event="blocking_check_failure",
            run_id=entry.run_id,
            job=run.job_name if run is not None else "",
            what=_check_failure(evaluation, spec.description),
            tags=_run_tags(run.tags if run is not None else {}, evaluation.partition),
            link=_link(settings, entry.run_id) if entry.run_id else None,
        )
        post = deliver(alert, settings, context.log, post)
        reported += 1
    return SkipReason(f"{reported} failed blocking checks reported of {len(entries)} evaluations")


def _check_failure(evaluation: AssetCheckEvaluation, description: str | None) -> str:
    """The check, what it holds (its result's description, else its definition's), and the
    first metadata entry, which for this project's checks is the count of offending rows."""
    parts = [f"{evaluation.asset_key.to_user_string()}/{evaluation.check_name}"]
    said = evaluation.description or description
    if said:
        parts.append(_one_line(said))
    for name, value in list(evaluation.metadata.items())[:1]:
        parts.append(f"{name}: {_one_line(str(value.value))}")
    return " — ".join(parts)


def _first_line(error: SerializableErrorInfo | None) -> str | None:
    """The first line of the error the code raised (class and message), without Dagster's
    wrapper ("Error occurred while executing op …") or any stack trace. A first line that
    ends in a colon introduces the next, which is kept with it."""
    if error is None:
        return None
    while error.cls_name.startswith("Dagster") and error.cause is not None:
        error = error.cause
    lines = [line.strip() for line in error.message.splitlines() if line.strip()]
    text = lines[0] if lines else error.cls_name
    if text.endswith(":") and len(lines) > 1:
        text = f"{text} {lines[1]}"
    # format_exception_only names the class with its module: the class alone is enough.
    qualified, _, message = text.partition(": ")
    if message and qualified.endswith(error.cls_name):
        text = f"{error.cls_name}: {message}"
    return _one_line(text)


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= PIECE_CHARACTERS else line[: PIECE_CHARACTERS - 1] + "…"


def _run_tags(tags: Mapping[str, str], partition: str | None = None) -> dict[str, str]:
    found = {key: tags[key] for key in _RUN_TAGS if key in tags}
    if partition and PARTITION not in found:
        found = {PARTITION: partition, **found}
    return found


def _link(settings: AlertSettings, run_id: str) -> str | None:
    return f"{settings.ui_url}/runs/{run_id}" if settings.ui_url else None


def _utc(timestamp: float | None) -> str:
    moment = datetime.fromtimestamp(timestamp, UTC) if timestamp else datetime.now(UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _append(path: os.PathLike[str], line: bytes, log: logging.Logger) -> None:
    """One write() to a file opened with O_APPEND: lines from processes appending at once
    (the daemon's two sensors, two deployments sharing the file) never interleave."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            written = os.write(descriptor, line)
        finally:
            os.close(descriptor)
    except OSError as error:
        log.warning(f"alert not written to {os.fspath(path)!r}: {error.strerror or error}")
        return
    if written != len(line):
        log.warning(f"alert cut short in {os.fspath(path)!r}: {written} of {len(line)} bytes")


def _post(url: str, text: str, log: logging.Logger) -> bool:
    """POST {"text": …} (what Slack's incoming webhooks take) once, with a timeout; False when
    it failed, which is a warning naming the webhook's scheme and host only, never its path or
    query."""
    request = urllib.request.Request(
        url,
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read()
    except (OSError, http.client.HTTPException) as error:
        log.warning(
            f"alert not posted to the webhook at {_host(url)} (path not shown): {_why(error)}"
        )
        return False
    return True


def _host(url: str) -> str:
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def _why(error: BaseException) -> str:
    """What went wrong, from the error's kind alone: its message could quote the URL."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code}"
    if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
        error = error.reason
    if isinstance(error, TimeoutError):
        return f"no answer within {WEBHOOK_TIMEOUT_SECONDS} s"
    detail = error.strerror if isinstance(error, OSError) else None
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__
