"""The Dagster UI under test: `dagster dev` started as a user starts it, waited for until its
code location is loaded, asked through its GraphQL; the source it shows, moved in time to be a
feed still arriving; a failing step's picture of the page."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sparkify_assets.config.settings import Settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.days import day_file, day_of_log_file
from sparkify_assets.warehouse.resource import WarehouseResource

CHROMIUM_VARIABLE = "SPARKIFY_CHROMIUM"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
SERVER_START_SECONDS = 180


@dataclass(frozen=True)
class Ui:
    url: str
    settings: Settings
    warehouse: WarehouseResource
    log: Path
    work: Path
    variables: dict[str, str]

    @property
    def days(self) -> list[str]:
        """The daily partitions, as the code location has them."""
        job = build_definitions(self.settings).resolve_job_def("sparkify_etl")
        assert job.partitions_def is not None
        return job.partitions_def.get_partition_keys()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def graphql(url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["data"]


def wait_until_loaded(url: str, server: subprocess.Popen, log: Path) -> None:
    """The server answers before the code location is loaded: wait for both."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    query = "{ workspaceOrError { ... on Workspace { locationEntries { loadStatus } } } }"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"dagster dev exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            entries = graphql(url, query)["workspaceOrError"]["locationEntries"]
            if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the UI was not ready in {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}")


def live_copy(source: Path, work: Path) -> Path:
    """The raw files as a feed that is still arriving, which a test may change: each log file
    moved, name and ts alike, by the whole days that make its last day yesterday; the song
    files linked. On a feed whose days ended long ago Dagster 1.13 draws no plot by partition:
    its newest-first list of partition keys starts at today whatever the partitions' end
    (`TimeWindowPartitionsDefinition.get_paginated_partition_keys`), so the Plots view asks for
    days that have no materialization."""
    copy = work / "source"
    logs = sorted((source / "log_data").rglob("*-events.json"))
    last = max(day_of_log_file(str(log)) for log in logs)
    shift = datetime.now(UTC).date() - timedelta(days=1) - last
    for log in logs:
        day = day_of_log_file(str(log)) + shift
        moved = copy / day_file("log_data/", day)
        moved.parent.mkdir(parents=True, exist_ok=True)
        lines = log.read_text(encoding="utf-8").splitlines()
        moved.write_text("\n".join(moved_in_time(line, shift) for line in lines), encoding="utf-8")
    (copy / "song_data").symlink_to(source / "song_data")
    shutil.copy(source / "log_json_path.json", copy / "log_json_path.json")
    return copy


def moved_in_time(line: str, shift: timedelta) -> str:
    """A log line with its ts moved; a line that is not a record with a ts, as it was."""
    try:
        record = json.loads(line)
        record["ts"] += shift.days * 86_400_000
    except (ValueError, TypeError, KeyError):
        return line
    return json.dumps(record, ensure_ascii=False)


@contextmanager
def screenshot_on_failure(page, step: str, folder: Path) -> Iterator[None]:
    """A failing step leaves a picture of the page and its HTML, named in the failure."""
    try:
        yield
    except Exception as error:
        shot = folder / f"failure-{step}.png"
        page.screenshot(path=str(shot), full_page=True)
        (folder / f"failure-{step}.html").write_text(page.content(), encoding="utf-8")
        raise AssertionError(
            f"{step} failed at {page.url} (screenshot: {shot}): {error}"
        ) from error
