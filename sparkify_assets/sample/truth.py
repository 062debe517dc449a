"""The warehouse compared with the ground truth the generator wrote beside its data.

Tests, benchmarks and `sparkify verify` all ask the same question, whatever the size: does the
warehouse hold what the raw files say, counted while they were written rather than by the
pipeline's own SQL?
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from sparkify_assets.sample.analytics_oracle import COLUMNS, PlayCounts, analytics_rows
from sparkify_assets.sample.ground_truth import GroundTruth
from sparkify_assets.warehouse.session import Session

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


def analytics_differences(session: Session, truth: GroundTruth) -> list[str]:
    """Every way the analysts' tables differ from what `truth` says they must hold. A share is
    the same division of the same two integers in SQL and here, so it is compared exactly."""
    lines = []
    for table, rows in analytics_rows(_play_counts(truth)).items():
        # What sql/truth/<table>.sql selects after the key: a weekday's name follows from its
        # number, so it is left out.
        compared = [i for i, c in enumerate(COLUMNS[table]) if i and c != "day_name"]
        expected = {str(row[0]): tuple(row[i] for i in compared) for row in rows}
        found = {str(row[0]): tuple(row[1:]) for row in session.fetch_all(f"truth/{table}")}
        columns = ", ".join(COLUMNS[table][i] for i in compared)
        lines += _dict_differences(f"{table} ({columns})", expected, found)
    return lines


def _play_counts(truth: GroundTruth) -> PlayCounts:
    """The ground truth's counts of plays, keyed as the analysts' tables key them."""
    return PlayCounts(
        per_song=truth.plays_per_song,
        per_artist=truth.plays_per_artist,
        per_user={int(user): n for user, n in truth.plays_per_user.items()},
        per_hour={int(hour): n for hour, n in truth.plays_per_hour.items()},
        per_level=truth.plays_per_level,
        per_day={date.fromisoformat(day): n for day, n in truth.plays_per_day.items()},
        active_users_per_day={
            date.fromisoformat(day): n for day, n in truth.active_users_per_day.items()
        },
        total=truth.nextsong_plays,
        matched=truth.matched_plays,
    )
