"""What every part of `sparkify cluster` shares: the two errors, how progress is reported, and
the one way of waiting for something AWS creates or deletes in the background."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

ABSENT = "absent"

Report = Callable[[str], object]


class ClusterSpecError(ValueError):
    """An argument AWS would refuse or that would be unsafe, caught before anything is created."""


class ClusterError(RuntimeError):
    """The account is in a state `cluster up` can't build on; the message says what to change."""


@dataclass(frozen=True)
class Endpoint:
    """Where the pipeline connects, as the warehouse reports it once it is available."""

    host: str
    port: int
    database: str
    user: str


@dataclass(frozen=True)
class WarehouseState:
    """A warehouse as `sparkify cluster status` shows it, whichever its kind."""

    label: str
    status: str  # lower-cased, or ABSENT
    host: str | None
    port: int | None
    size: str | None  # "2 x ra3.large", "8 RPUs base capacity"
    details: tuple[str, ...] = ()  # further lines, e.g. the namespace


@dataclass(frozen=True)
class Watched:
    """A cluster, namespace or workgroup: how to look at it and where its status is. Statuses are
    lower-cased, as provisioned Redshift writes them (Serverless writes `AVAILABLE`)."""

    label: str  # "Cluster sparkify", "Workgroup sparkify", …
    look: Callable[[], dict[str, Any] | None]  # None once it does not exist
    status_key: str

    def status(self, found: dict[str, Any] | None) -> str:
        return str(found[self.status_key]).lower() if found else ABSENT


@dataclass(frozen=True)
class Waiting:
    """How `up` and `down` wait for either kind: creating and deleting take minutes, so every
    look is reported for a person to watch, and the wait has a limit."""

    report: Report
    poll_seconds: float
    timeout_seconds: float

    def until(self, watched: Watched, goal: str) -> dict[str, Any] | None:
        """What `watched` looks like once its status is `goal`; None once it is gone, for goal
        ABSENT."""
        started = time.monotonic()
        while True:
            found = watched.look()
            status = watched.status(found)
            elapsed = time.monotonic() - started
            self.report(f"{watched.label}: {status} after {elapsed:.0f} s")
            if status == goal:
                return found
            if found is None:
                raise ClusterError(f"{watched.label} disappeared while waiting for it")
            if elapsed >= self.timeout_seconds:
                raise TimeoutError(
                    f"{watched.label} is still {status} after {elapsed:.0f} s (limit "
                    f"{self.timeout_seconds:.0f} s); AWS carries on, so check with "
                    "`sparkify cluster status` and run the command again"
                )
            time.sleep(self.poll_seconds)

    def past_deletion(self, watched: Watched) -> dict[str, Any] | None:
        """What `watched` looks like now, or None once a deletion under way has finished: a
        name being deleted can't be created again until it is gone."""
        found = watched.look()
        if watched.status(found) != "deleting":
            return found
        self.report(f"{watched.label}: being deleted; waiting before creating it")
        return self.until(watched, ABSENT)

    def deletion(
        self, watched: Watched, request: Callable[[], object], requested: str, gone_code: str
    ) -> None:
        """Ask for a deletion (unless one is under way, or there is nothing to delete), then wait
        until it is gone; `gone_code` is the error AWS answers for something already gone."""
        found = watched.look()
        if found is not None and watched.status(found) != "deleting":
            try:
                request()
                self.report(f"{watched.label}: {requested}")
            except ClientError as error:
                if error_code(error) != gone_code:
                    raise
        self.until(watched, ABSENT)

    def retry(self, attempt: Callable[[], bool], still_waiting: str) -> None:
        """Call `attempt` until it says it is done, reporting `still_waiting` between tries; an
        error it raises ends the wait at once, and so does the timeout."""
        started = time.monotonic()
        while not attempt():
            if time.monotonic() - started >= self.timeout_seconds:
                raise TimeoutError(f"{still_waiting} for {self.timeout_seconds:.0f} s; giving up")
            self.report(still_waiting)
            time.sleep(self.poll_seconds)


def error_code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")
