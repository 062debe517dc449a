"""The warehouse compared with the ground truth the generator wrote beside its data.

Tests, benchmarks and `sparkify verify` all ask the same question, whatever the size: does the
warehouse hold what the raw files say, counted while they were written rather than by the
pipeline's own SQL?
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .generate import GroundTruth
from .resources.session import Session

_COUNTS = (  # the columns of sql/truth/counts.sql, in order
    "events",
    "logged_out_events",
    "song_files",
    "nextsong_plays",
    "matched_plays",
    "users",
    "songs",
    "artists",
    "distinct_start_times",
)
_PER_KEY = ("latest_level", "plays_per_day", "plays_per_song")


def differences(session: Session, truth: GroundTruth) -> list[str]:
    """Every way the warehouse differs from `truth`, one line each; none when it matches."""
    expected = asdict(truth)
    found: dict[str, Any] = dict(zip(_COUNTS, session.fetch_one("truth/counts") or (), strict=True))
    for name in _PER_KEY:
        found[name] = {str(key): value for key, value in session.fetch_all(f"truth/{name}")}
    lines = [
        f"{name}: expected {expected[name]:,}, found {found[name]:,}"
        for name in _COUNTS
        if found[name] != expected[name]
    ]
    for name in _PER_KEY:
        lines += _dict_differences(name, expected[name], found[name])
    return lines


def _dict_differences(name: str, expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    wrong = sorted(
        key for key in expected.keys() | found.keys() if expected.get(key) != found.get(key)
    )
    if not wrong:
        return []
    shown = ", ".join(f"{key}: {expected.get(key)} ≠ {found.get(key)}" for key in wrong[:5])
    return [f"{name}: {len(wrong):,} keys differ (expected ≠ found: {shown})"]
