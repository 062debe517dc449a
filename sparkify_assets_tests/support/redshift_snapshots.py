"""The committed snapshots of what the Redshift target sends, one file per job or scenario: how a
recording is written (each step under a `-- step:` line, its statements without their SQL
comments) and read back as statements. Comments are left out so that rewording one in sql/
rewrites no snapshot: the sql/ file keeps them, with their documentation URLs. A scenario (or
another job) that sends mostly what a job sends shows only where it departs from that job's
snapshot: each run of statements sent alike is one line, `-- N as in <job>.sql`."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher
from pathlib import Path

from sparkify_assets_tests.support.redshift_recorder import COMMIT, CONNECT, ROLLBACK, Recorded
from sparkify_assets_tests.support.snapshots import SNAPSHOTS
from sparkify_assets_tests.support.sql_text import without_comments

REDSHIFT_SNAPSHOTS = SNAPSHOTS / "redshift"
STEP = "-- step: "
OUTSIDE_A_RUN = "(outside a run)"
SHORTEST_ELIDED = 3  # fewer statements sent alike are shown: the marker would be as long


def render(log: Iterable[Recorded], like: Path | None = None, like_step: str = "") -> str:
    """A recording as a script, step by step in the order of their names (a step's checks follow
    it): a `-- step:` line, then what the step sent, each statement ending in ';', with a
    `-- connection N` line where it opens its N-th connection. With `like`, a job's snapshot,
    what a step sends as that job's same step (or `like_step`) does is left out."""
    by_step: dict[str, list[Recorded]] = {}
    for recorded in log:
        by_step.setdefault(recorded.step, []).append(recorded)
    reference = _chunks_by_step(like.read_text(encoding="utf-8")) if like else {}
    chunks = []
    for step in sorted(by_step):
        chunks.append(STEP + (step or OUTSIDE_A_RUN))
        sent = _chunks(by_step[step])
        if like is None:
            chunks += sent
        else:
            chunks += _departures(sent, reference.get(like_step or step, []), like.name)
    return "\n\n".join(chunks) + "\n"


def _chunks(records: list[Recorded]) -> list[str]:
    """What a step sent, one chunk of the script each: a connection opened, or a statement."""
    chunks, connections = [], {}
    for recorded in records:
        if recorded.text == CONNECT:
            number = connections.setdefault(recorded.connection, len(connections) + 1)
            chunks.append(f"-- connection {number}: a transaction begins")
        else:
            chunks.append(f"{without_comments(recorded.text)};")
    return chunks


def _chunks_by_step(snapshot: str) -> dict[str, list[str]]:
    """A snapshot written by `render` (without `like`) back into its steps' chunks."""
    steps: dict[str, list[str]] = {}
    chunks: list[str] = []
    for chunk in snapshot.rstrip("\n").split("\n\n"):
        if chunk.startswith(STEP):
            chunks = steps.setdefault(chunk.removeprefix(STEP), [])
        else:
            chunks.append(chunk)
    return steps


def _departures(sent: list[str], reference: list[str], name: str) -> list[str]:
    """The chunks sent, each run of SHORTEST_ELIDED or more (statements and connections opened)
    sent as in the reference replaced by one line that says how many."""
    shown = []
    matcher = SequenceMatcher(None, reference, sent, autojunk=False)
    for tag, _, _, first, last in matcher.get_opcodes():
        if tag == "equal" and last - first >= SHORTEST_ELIDED:
            shown.append(f"-- {last - first} as in {name}")
        else:
            shown += sent[first:last]
    return shown


def statements_by_step(snapshot: str) -> list[tuple[str, str]]:
    """Every statement a snapshot shows (not COMMIT or ROLLBACK), with the step that sent it."""
    found, step = [], ""
    for chunk in snapshot.split(";\n\n"):
        for line in chunk.splitlines():
            if line.startswith(STEP):
                step = line.removeprefix(STEP)
        body = without_comments(chunk).removesuffix(";").strip()
        if body and body not in (COMMIT, ROLLBACK):
            found.append((step, body))
    return found
