"""`sparkify redshift preflight`: settle on the user's own cluster, in about a minute, what
Amazon's documentation leaves open and the pipeline relies on, before the first load.

It changes nothing it did not create. Each probe runs in a transaction of its own, rolled back
at its end with its temporary table and probe-named function: ROLLBACK "discards all updates made
by that transaction" (…/r_ROLLBACK.html). The objects the COPY probes read are written under
SPARKIFY_MANIFEST_LOCATION, where the pipeline writes its manifests (so the user may write there
and the cluster's IAM role may read), and deleted at the end.

Pages cited as …/NAME.html are https://docs.aws.amazon.com/redshift/latest/dg/NAME.html.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlparse

import psycopg2
from botocore.exceptions import BotoCoreError, ClientError

from sparkify_assets.model.damaged_text import DAMAGE_MARK
from sparkify_assets.model.sql import statement
from sparkify_assets.model.targets import Target
from sparkify_assets.warehouse.connect import first_line
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.source import RawSourceResource, SourceError

PROBE_TABLE = "sparkify_preflight_probe"
PROBE_FUNCTION = "f_sparkify_preflight_repair_text"
DAMAGED, REPAIRED = "Bj\u00c3\u0083\u00c2\u00b6rk", "Björk"  # as the real logs hold 'Björk'
ESCAPED, UNESCAPED = "caf\\u00e9", "café"
ESCAPED_OBJECT = b'{"word": "caf\\u00e9", "number": 1}\n'  # the JSON escape as written
# Three good records and two COPY rejects ("x" is no INTEGER): the MAXERROR boundary.
REJECTS_OBJECT = (
    b'{"word": "good", "number": 1}\n{"word": "bad", "number": "x"}\n'
    b'{"word": "good", "number": 2}\n{"word": "bad", "number": "y"}\n'
    b'{"word": "good", "number": 3}\n'
)
REJECTED = 2
# ts (ms since 1970) -> start_time, hour, day, week, month, year, weekday as PostgreSQL (the local
# target) derives them: a Sunday (weekday 0), a Monday, a day's last millisecond, and a
# 31 December in ISO week 1 of the next year.
PLAY_TIMES = {
    1541289600000: (datetime(2018, 11, 4), 0, 4, 44, 11, 2018, 0),
    1541376000000: (datetime(2018, 11, 5), 0, 5, 45, 11, 2018, 1),
    1543708799999: (datetime(2018, 12, 1, 23, 59, 59, 999000), 23, 1, 48, 12, 2018, 6),
    1546214400000: (datetime(2018, 12, 31), 0, 31, 1, 12, 2018, 1),
}
SYSTEM_VIEW_WAIT_SECONDS = 10.0  # how long a failed COPY may take to show in the system views
SYSTEM_VIEW_POLL_SECONDS = 0.5
NO_MANIFEST_LOCATION = (
    "set SPARKIFY_MANIFEST_LOCATION=s3://bucket/prefix (you may write there, the cluster's IAM "
    "role may read) to run it"
)


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_RUN = "not run"


Outcome = tuple[Status, str]  # a probe's verdict and what was seen


@dataclass(frozen=True)
class ProbeResult:
    name: str
    status: Status
    seen: str

    def line(self) -> str:
        return f"  {self.status:<7}  {self.name:<19}  {self.seen}"


@dataclass(frozen=True)
class ProbeObjects:
    """The s3:// URIs of the objects the COPY probes read."""

    escaped: str
    rejects: str


class Cluster:
    """One connection to the cluster; COPY as the pipeline sends it (sql/staging/copy_json)."""

    def __init__(
        self, connection: Any, warehouse: WarehouseResource, objects: ProbeObjects | None
    ) -> None:
        self.connection, self.warehouse, self._objects = connection, warehouse, objects
        self.cursor = connection.cursor()

    @property
    def objects(self) -> ProbeObjects:
        assert self._objects is not None, "the S3 probes run only once their objects are written"
        return self._objects

    def execute(self, name: str, params: dict[str, Any] | None = None, **identifiers: str) -> None:
        self.cursor.execute(statement(f"preflight/{name}", Target.REDSHIFT, **identifiers), params)

    def rows(self, name: str, params: dict[str, Any] | None = None, **ids: str) -> list[Any]:
        self.execute(name, params, **ids)
        return self.cursor.fetchall()

    def value(self, name: str, params: dict[str, Any] | None = None, **ids: str) -> Any:
        rows = self.rows(name, params, **ids)
        return rows[0][0] if rows else None

    def eventually(self, name: str, params: dict[str, Any]) -> Any:
        """The value `name` gives within SYSTEM_VIEW_WAIT_SECONDS, each try in a transaction of
        its own: the system views may show a COPY a moment after it ended."""
        deadline = time.monotonic() + SYSTEM_VIEW_WAIT_SECONDS
        while (value := self.value(name, params)) is None and time.monotonic() < deadline:
            self.connection.rollback()
            time.sleep(SYSTEM_VIEW_POLL_SECONDS)
        return value

    def copy(self, uri: str, maxerror: int) -> str | None:
        """COPY `uri` into a new probe table: None when it loaded, else the error's first line."""
        self.execute("probe_table.create", table=PROBE_TABLE)
        try:
            self.cursor.execute(
                statement("staging/copy_json", Target.REDSHIFT, table=PROBE_TABLE),
                {
                    "source": uri,
                    "iam_role": self.warehouse.iam_role_arn,
                    "json_format": "auto",
                    "region": self.warehouse.region,
                    "maxerror": maxerror,
                },
            )
        except psycopg2.Error as error:
            return first_line(error)
        return None

    def failed_copy(self) -> str | None:
        """COPY the rejected records at MAXERROR 0 and roll back, as the pipeline does after a
        failed COPY: None when it failed on them, else what happened instead."""
        failure = self.copy(self.objects.rejects, maxerror=0)
        self.connection.rollback()
        if failure is None:
            return f"the COPY of {REJECTED} bad records at MAXERROR 0 loaded"
        return None if rejected_records(failure) else f"the COPY failed before loading: {failure}"


def rejected_records(failure: str) -> bool:
    """Whether a COPY failed on its records ("Load into table … failed": "an error message
    directs you to consult the STL_LOAD_ERRORS table", …/system-tables-for-troubleshooting-data-
    loads.html), not on access, syntax or S3."""
    return "load into table" in failure.lower()


def probe_repair_function(cluster: Cluster) -> Outcome:
    """Is a scalar SQL UDF of 825 nested REPLACEs accepted (one SELECT without FROM:
    …/udf-creating-a-scalar-sql-udf.html, …/r_CREATE_FUNCTION.html), how fast, does it repair?
    And does the damaged_text check's pattern see the damage, and not the repair?"""
    text = statement("functions/repair_text", Target.REDSHIFT)
    probe_text = text.replace("FUNCTION f_repair_text(", f"FUNCTION {PROBE_FUNCTION}(", 1)
    if probe_text == text:  # never replace the pipeline's own function
        raise ValueError("sql/functions/repair_text.sql no longer creates f_repair_text")
    started = time.monotonic()
    try:
        cluster.cursor.execute(probe_text)
    except psycopg2.Error as error:
        return Status.FAIL, f"refused: {first_line(error)}: songplays, which calls it, can't build"
    created = f"created in {time.monotonic() - started:.1f} s"
    cluster.execute("probe_table.create", table=PROBE_TABLE)
    cluster.execute("probe_table.insert_word", {"word": DAMAGED}, table=PROBE_TABLE)
    repaired = cluster.value("repair_text.call", table=PROBE_TABLE, function=PROBE_FUNCTION)
    if repaired != REPAIRED:
        return Status.FAIL, (
            f"{created}, but f({DAMAGED!r}) = {repaired!r}, not {REPAIRED!r}: the star tables "
            "would keep the logs' damaged text, and plays would not match their songs"
        )
    marks = cluster.rows(
        "repair_text.damage_mark",
        {"damage_mark": DAMAGE_MARK},
        table=PROBE_TABLE,
        function=PROBE_FUNCTION,
    )
    if marks != [(True, False)]:
        return Status.FAIL, (
            f"{created}, it repairs, but the pattern {DAMAGE_MARK!r} gives {marks} for "
            f"({DAMAGED!r}, {REPAIRED!r}), not [(True, False)]: the songplays damaged_text "
            "check would not tell damaged text from repaired text on this cluster"
        )
    return Status.PASS, f"{created}; f({DAMAGED!r}) = {repaired!r}; the damage mark sees it"


def probe_json_escape(cluster: Cluster) -> Outcome:
    """COPY's JSON escapes are documented as \\n, \\t and \\\\ only (…/copy-usage_notes-copy-from-
    json.html, "Escape characters in JSON"); the local load decodes \\u00e9 to 'é': does COPY?"""
    if failure := cluster.copy(cluster.objects.escaped, maxerror=0):
        return Status.FAIL, f"the COPY failed: {failure}"
    words = [f"'{row[0]}'" for row in cluster.rows("probe_table.words", table=PROBE_TABLE)]
    if words == [f"'{UNESCAPED}'"]:
        return Status.PASS, f"'{ESCAPED}' came back as '{UNESCAPED}'"
    return Status.FAIL, (
        f"'{ESCAPED}' came back as {', '.join(words) or 'no row'}: text the logs write as JSON "
        "escapes would load differently on Redshift than locally"
    )


def probe_last_copy_id(cluster: Cluster) -> Outcome:
    """PG_LAST_COPY_ID "is updated" when a COPY fails on invalid data "so you can use
    PG_LAST_COPY_ID when you query STL_LOAD_ERRORS", yet "if the COPY transaction is rolled back,
    the COPY ID is not updated" (…/PG_LAST_COPY_ID.html): which holds after both?"""
    before = cluster.value("last_copy_id")
    if unwanted := cluster.failed_copy():
        return Status.FAIL, unwanted
    after = cluster.value("last_copy_id")
    if after not in (-1, before):
        return Status.PASS, f"names the failed COPY after its ROLLBACK: {after} (before: {before})"
    return Status.FAIL, (
        f"is {after} after the failed COPY's ROLLBACK (before it: {before}): a failed COPY can't "
        "be found by pg_last_copy_id(); find it by session in SYS_LOAD_HISTORY"
    )


def probe_load_error_session(cluster: Cluster) -> Outcome:
    """Do the load views record a failed COPY under pg_backend_pid()? The pipeline finds its
    COPY in SYS_LOAD_HISTORY by that session; each view's column is cited in its SQL file
    (sql/preflight/*_session.redshift.sql); STL views are provisioned-only
    (…/c_intro_system_views.html)."""
    if unwanted := cluster.failed_copy():
        return Status.FAIL, unwanted
    pid = cluster.value("backend_pid")
    key = {"key": urlparse(cluster.objects.rejects).path.lstrip("/")}
    sessions = {
        "SYS_LOAD_HISTORY": cluster.eventually("load_history_session", key),
        "SYS_LOAD_ERROR_DETAIL": cluster.eventually("load_error_session", key),
    }
    try:
        sessions["stl_load_errors"] = cluster.value("stl_load_error_session", key)
        unreadable = ""
    except psycopg2.Error as error:  # as on Serverless
        cluster.connection.rollback()
        unreadable = f"; stl_load_errors not readable ({first_line(error)})"
    seen = f"pg_backend_pid() {pid}; " + "; ".join(
        f"{view} {'has no row' if session is None else session}"
        for view, session in sessions.items()
    )
    if all(session == pid for session in sessions.values()):
        return Status.PASS, seen + unreadable
    return Status.FAIL, (
        f"{seen}{unreadable}: a load that looks its COPY up by session_id = pg_backend_pid() "
        "would not find it"
    )


def probe_play_times(cluster: Cluster) -> Outcome:
    """BIGINT * INTERVAL '1 millisecond' (…/r_interval_literals.html) and EXTRACT (…/r_EXTRACT_
    function.html; WEEK "follows the ISO 8601 standard", …/r_DATE_PART_function.html) as the star
    tables compute them, on compute nodes, against PostgreSQL's answers."""
    cluster.execute("probe_table.create", table=PROBE_TABLE)
    for ts in PLAY_TIMES:
        cluster.execute("probe_table.insert_ts", {"ts": ts}, table=PROBE_TABLE)
    rows = cluster.rows("play_times", table=PROBE_TABLE)
    seen = {row[0]: (row[1], *map(int, row[2:])) for row in rows}
    wrong = [
        f"ts {ts}: {describe_play(seen.get(ts))}, not {describe_play(expected)}"
        for ts, expected in PLAY_TIMES.items()
        if seen.get(ts) != expected
    ]
    if not wrong:
        return Status.PASS, f"{len(PLAY_TIMES)} event times as PostgreSQL derives them"
    return Status.FAIL, (
        "; ".join(wrong) + ": songplays.start_time or the time table would differ from the "
        "local target's"
    )


def describe_play(play: tuple[Any, ...] | None) -> str:
    if play is None:
        return "no row"
    start, hour, day, week, month, year, weekday = play
    return f"{start} (hour {hour} day {day} week {week} month {month} year {year} dow {weekday})"


def probe_maxerror_boundary(cluster: Cluster) -> Outcome:
    """MAXERROR: "If the load returns the error_count number of errors or greater, the load
    fails" (…/copy-parameters-data-load.html#copy-maxerror): 2 rejected records at MAXERROR 2
    should fail it, as the pipeline's own rule (copyjson.load_fails) has it on both targets."""
    failure = cluster.copy(cluster.objects.rejects, maxerror=REJECTED)
    if failure is not None and rejected_records(failure):
        return Status.PASS, f"{REJECTED} rejected records at MAXERROR {REJECTED} failed the load"
    if failure is not None:
        return Status.FAIL, f"the COPY failed before loading: {failure}"
    loaded = cluster.value("last_copy_count")
    return Status.FAIL, (
        f"{REJECTED} rejected records at MAXERROR {REJECTED} loaded {loaded} rows: Redshift "
        "tolerates MAXERROR rejections, one more than the pipeline's rule (copyjson.load_fails)"
    )


# name, probe, whether it COPYs from S3
PROBES: list[tuple[str, Callable[[Cluster], Outcome], bool]] = [
    ("repair function", probe_repair_function, False),
    ("JSON \\u escape", probe_json_escape, True),
    ("pg_last_copy_id", probe_last_copy_id, True),
    ("failed COPY session", probe_load_error_session, True),
    ("event times", probe_play_times, False),
    ("MAXERROR boundary", probe_maxerror_boundary, True),
]


def preflight(
    warehouse: WarehouseResource, source: RawSourceResource, say: Callable[[str], None] = print
) -> list[ProbeResult]:
    """Every probe, each result said as it comes; the S3 probes are not run without
    SPARKIFY_MANIFEST_LOCATION, and fail when their objects can't be written."""
    say(f"Redshift preflight at {warehouse.host}:{warehouse.port}/{warehouse.database}:")
    objects, s3_unavailable = write_probe_objects(warehouse, source)
    results = []
    try:
        with warehouse.connection() as connection:
            cluster = Cluster(connection, warehouse, objects)
            for name, probe, reads_s3 in PROBES:
                if reads_s3 and s3_unavailable is not None:
                    result = ProbeResult(name, *s3_unavailable)
                else:
                    result = run_probe(cluster, name, probe)
                say(result.line())
                results.append(result)
    finally:
        if objects is not None:
            delete_probe_objects(source, objects, say)
    say(", ".join(f"{sum(r.status is s for r in results)} {s}" for s in Status) + ".")
    return results


def run_probe(cluster: Cluster, name: str, probe: Callable[[Cluster], Outcome]) -> ProbeResult:
    """One probe, rolled back whatever happened; a database error fails it with its first line."""
    try:
        status, seen = probe(cluster)
    except psycopg2.Error as error:
        status, seen = Status.FAIL, first_line(error)
    finally:
        cluster.connection.rollback()
    return ProbeResult(name, status, seen)


def write_probe_objects(
    warehouse: WarehouseResource, source: RawSourceResource
) -> tuple[ProbeObjects | None, Outcome | None]:
    """The probe objects, under a prefix of their own, or why the S3 probes can't run."""
    if not warehouse.manifest_location:
        return None, (Status.NOT_RUN, NO_MANIFEST_LOCATION)
    prefix = f"{warehouse.manifest_location.rstrip('/')}/preflight/{uuid.uuid4().hex}"
    objects = ProbeObjects(f"{prefix}/escaped.json", f"{prefix}/rejects.json")
    try:
        source.write_object(objects.escaped, ESCAPED_OBJECT)
        source.write_object(objects.rejects, REJECTS_OBJECT)
    except SourceError as error:
        delete_probe_objects(source, objects, lambda message: None)
        return None, (Status.FAIL, f"{first_line(error)}: the pipeline can't write manifests")
    return objects, None


def delete_probe_objects(
    source: RawSourceResource, objects: ProbeObjects, say: Callable[[str], None]
) -> None:
    for uri in (objects.escaped, objects.rejects):
        parsed = urlparse(uri)
        try:
            source.s3.get_client().delete_object(Bucket=parsed.netloc, Key=parsed.path[1:])
        except (BotoCoreError, ClientError) as error:
            say(f"  could not delete {uri} ({first_line(error)}): delete it yourself")


def exit_code(results: list[ProbeResult]) -> int:
    """0 only when every probe passed: a probe not run has settled nothing."""
    return 0 if all(result.status is Status.PASS for result in results) else 1
