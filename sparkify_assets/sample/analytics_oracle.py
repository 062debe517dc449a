"""The analysts' tables as the rules of `sql/analytics/` define them, computed in Python from
counts of plays: the one Python statement of those rules. The comparison with the generator's
ground truth (truth.py) and the tests' oracle that reads the raw JSON itself both use it, each
counting the plays its own way, so neither shares anything with the pipeline's SQL.

The rules: a table ranking songs, artists or users holds the 10 with the most plays, ties going
to the smaller id; a share is a level's (or the matched plays') plays over all plays, a play
without a level counting in the whole only; weekdays are numbered from 0 for Sunday, as
PostgreSQL's and Redshift's EXTRACT(DOW); hours, weekdays, levels and days without plays have
no row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
TOP = 10  # rows of a table that ranks songs, artists or users
# Each table's columns as its rows here hold them, in the table's order: the table's own but
# for the names it joins from the dimensions (a song's title, an artist's name, a user's names
# and level now), which only the raw files can tell.
COLUMNS = {
    "top_songs": ("rank", "song_id", "plays"),
    "top_artists": ("rank", "artist_id", "plays"),
    "most_active_users": ("rank", "user_id", "plays"),
    "plays_by_hour": ("hour", "plays"),
    "plays_by_level": ("level", "plays", "share"),
    "plays_by_weekday": ("weekday", "day_name", "plays"),
    "daily_active_users": ("day", "active_users", "plays"),
    "song_match_share": ("matched", "plays", "share"),
}


@dataclass(frozen=True)
class PlayCounts:
    """The plays counted every way the analysts' tables count them."""

    per_song: Mapping[str, int]  # song_id -> plays matched to the song
    per_artist: Mapping[str, int]  # artist_id -> plays matched to the artist's songs
    per_user: Mapping[int, int]  # user_id -> plays
    per_hour: Mapping[int, int]  # UTC hour of the start, 0-23 -> plays
    per_level: Mapping[str, int]  # level at the time of the play -> plays (with a level)
    per_day: Mapping[date, int]  # UTC day of the start -> plays
    active_users_per_day: Mapping[date, int]  # UTC day -> distinct users with a play that day
    total: int  # every play
    matched: int  # plays matched to a song of the catalogue


def analytics_rows(counts: PlayCounts) -> dict[str, list[tuple[Any, ...]]]:
    """Every analytics table's rows, in key order, in the columns of COLUMNS."""
    weekdays: Counter[int] = Counter()
    for day, plays in counts.per_day.items():
        weekdays[(day.weekday() + 1) % 7] += plays  # Monday is 0 in Python

    def share(plays: int) -> float:
        return plays / counts.total

    by_match = ((False, counts.total - counts.matched), (True, counts.matched))
    return {
        "top_songs": _top(counts.per_song),
        "top_artists": _top(counts.per_artist),
        "most_active_users": _top(counts.per_user),
        "plays_by_hour": sorted((hour, n) for hour, n in counts.per_hour.items() if n),
        "plays_by_level": [(lv, n, share(n)) for lv, n in sorted(counts.per_level.items()) if n],
        "plays_by_weekday": [(d, WEEKDAYS[d], n) for d, n in sorted(weekdays.items()) if n],
        "daily_active_users": [
            (day, counts.active_users_per_day[day], n)
            for day, n in sorted(counts.per_day.items())
            if n
        ],
        "song_match_share": [(matched, n, share(n)) for matched, n in by_match if n],
    }


def _top(plays: Mapping[Any, int]) -> list[tuple[int, Any, int]]:
    """(rank, id, plays) of the TOP ids with the most plays; ties: the smaller id."""
    ranked = sorted(plays.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    return [(rank, key, n) for rank, (key, n) in enumerate(ranked, start=1)]
