"""The warehouse compared with the ground truth the generator wrote beside its data.

Tests, benchmarks and `sparkify verify` all ask the same question, whatever the size: does the
warehouse hold what the raw files say, counted while they were written rather than by the
pipeline's own SQL?
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any

from sparkify_assets.sample.generate import GroundTruth
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
    """Every way the analysts' tables differ from what `truth` says they must hold."""
    lines = []
    for table, (columns, expected) in _expected_analytics(truth).items():
        found = {str(row[0]): tuple(row[1:]) for row in session.fetch_all(f"truth/{table}")}
        lines += _dict_differences(f"{table} ({', '.join(columns)})", expected, found)
    return lines


def _expected_analytics(
    truth: GroundTruth,
) -> dict[str, tuple[tuple[str, ...], dict[str, tuple[Any, ...]]]]:
    """Per analytics table: the columns compared, and their values by the table's key. A share
    is the same division of the same two integers in SQL and here, so it is compared exactly."""
    weekday_plays: dict[int, int] = {}
    for day, plays in truth.plays_per_day.items():
        weekday = (date.fromisoformat(day).weekday() + 1) % 7  # 0 = Sunday, as EXTRACT(DOW)
        weekday_plays[weekday] = weekday_plays.get(weekday, 0) + plays
    total, matched = truth.nextsong_plays, truth.matched_plays
    return {
        "top_songs": (("song_id", "plays"), _top(truth.plays_per_song)),
        "top_artists": (("artist_id", "plays"), _top(truth.plays_per_artist)),
        "most_active_users": (("user_id", "plays"), _top(truth.plays_per_user, key=int)),
        "plays_by_hour": (("plays",), {h: (n,) for h, n in truth.plays_per_hour.items()}),
        "plays_by_level": (
            ("plays", "share"),
            {level: (n, n / total) for level, n in truth.plays_per_level.items() if n},
        ),
        "plays_by_weekday": (("plays",), {str(d): (n,) for d, n in weekday_plays.items()}),
        "daily_active_users": (
            ("active_users", "plays"),
            {
                day: (users, truth.plays_per_day[day])
                for day, users in truth.active_users_per_day.items()
            },
        ),
        "song_match_share": (
            ("plays", "share"),
            {
                str(is_matched): (n, n / total)
                for is_matched, n in ((True, matched), (False, total - matched))
                if n
            },
        ),
    }


def _top(
    plays: dict[str, int], key: Callable[[str], Any] = str, count: int = 10
) -> dict[str, tuple[Any, ...]]:
    """Rank -> (id, plays) of the `count` ids with the most plays; ties: the smaller id."""
    ranked = sorted(plays.items(), key=lambda item: (-item[1], key(item[0])))[:count]
    return {str(rank): (key(id_), n) for rank, (id_, n) in enumerate(ranked, start=1)}
