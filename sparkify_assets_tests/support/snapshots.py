"""Committed snapshots (sparkify_assets_tests/snapshots/): a test compares what it builds with
one, and SPARKIFY_UPDATE_SNAPSHOTS=1 rewrites it instead, so that a deliberate change is
reviewed in the diff."""

from __future__ import annotations

import os
from pathlib import Path

SNAPSHOTS = Path(__file__).parents[1] / "snapshots"
UPDATE_VARIABLE = "SPARKIFY_UPDATE_SNAPSHOTS"


def assert_matches_snapshot(path: Path, text: str) -> None:
    """The text equals the committed snapshot; with SPARKIFY_UPDATE_SNAPSHOTS=1 it is written
    first, for review in the diff."""
    if os.environ.get(UPDATE_VARIABLE):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no snapshot {path.name}: rerun with {UPDATE_VARIABLE}=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.relative_to(SNAPSHOTS)} differs from what is built now; review the change and "
        f"rerun with {UPDATE_VARIABLE}=1 (twice if a snapshot it shows departures from changed)"
    )
