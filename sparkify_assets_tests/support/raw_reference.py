"""The analysts' expected results, computed in Python straight from the raw JSON files: an
independent second answer to each query in `sql/analytics/`, sharing no SQL with the pipeline.

What a play is and which song it matches are the warehouse's documented rules, written again
from their descriptions: a play is a NextSong event with a user, counted once per (user,
session, item in session); it matches the song whose title, artist name and duration equal its
own after the logs' double-encoded UTF-8 is repaired. The plays counted so go through the one
Python statement of the analytics rules (sparkify_assets/sample/analytics_oracle.py), which the
ground truth comparison uses too.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sparkify_assets.sample.analytics_oracle import PlayCounts, analytics_rows


def repaired(text: str | None) -> str | None:
    """Undo UTF-8 read back as Latin-1, as many times as it was done."""
    while text is not None:
        try:
            fixed = text.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return text
        if fixed == text:
            return text
        text = fixed
    return text


def as_text(value: Any) -> str | None:
    """A JSON value as a VARCHAR column holds it: numbers keep their JSON spelling."""
    return value if value is None or isinstance(value, str) else json.dumps(value)


@dataclass(frozen=True)
class Play:
    user_id: int
    start: datetime
    level: str
    song_id: str | None
    artist_id: str | None


def _without_trailing_blanks(record: dict[str, Any]) -> dict[str, Any]:
    """Text as Redshift compares it: trailing blanks are not significant there, so the
    warehouse drops them on both targets (sql/star/songplays.insert.sql)."""
    return {k: v.rstrip(" ") if isinstance(v, str) else v for k, v in record.items()}


def _songs(source: Path) -> list[dict[str, Any]]:
    return [
        _without_trailing_blanks(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted((source / "song_data").rglob("*.json"))
    ]


def _events(source: Path) -> list[dict[str, Any]]:
    return [
        _without_trailing_blanks(json.loads(line))
        for path in sorted((source / "log_data").rglob("*.json"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


@cache  # read once per source: each table's test asks for the same files
def expected_analytics(source: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every analytics table's rows, in key order, as the raw files under `source` imply."""
    songs = _songs(source)
    events = _events(source)

    song_by_identity: dict[tuple[str | None, str | None, float], str] = {}
    song_versions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    artist_names: dict[str, Counter[str]] = defaultdict(Counter)
    for song in songs:
        identity = (as_text(song["title"]), as_text(song["artist_name"]), song["duration"])
        song_by_identity[identity] = min(song["song_id"], song_by_identity.get(identity, "~"))
        song_versions[song["song_id"]].append(song)
        if song["artist_name"] is not None:
            artist_names[song["artist_id"]][as_text(song["artist_name"])] += 1
    artist_of_song = {sid: min(v["artist_id"] for v in vs) for sid, vs in song_versions.items()}
    title_of_song = {
        sid: as_text(min(vs, key=lambda v: (v["artist_id"], as_text(v["title"])))["title"])
        for sid, vs in song_versions.items()
    }
    artist_name = {  # the name on most songs; ties: the shortest, then A-Z first
        artist: min(names.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]
        for artist, names in artist_names.items()
    }

    # The same event staged twice is one play: the first by (ts, song, artist, length, level,
    # location, user agent). A user's name and level come from their latest event: by ts, item
    # in session and session, latest first; then by level, first name, last name and gender.
    staged: dict[tuple[int, int, int], list[dict[str, Any]]] = defaultdict(list)
    latest: dict[int, dict[str, Any]] = {}
    for event in events:
        if event["userId"] in ("", None):
            continue
        user = int(event["userId"])
        if user not in latest or _recency(event) < _recency(latest[user]):
            latest[user] = event
        if event["page"] == "NextSong":
            staged[(user, event["sessionId"], event["itemInSession"])].append(event)
    plays: list[Play] = []
    for (user, _, _), copies in staged.items():
        event = min(copies, key=_copy_order)
        identity = (repaired(event["song"]), repaired(event["artist"]), event["length"])
        song_id = song_by_identity.get(identity)
        plays.append(
            Play(
                user,
                datetime.fromtimestamp(event["ts"] / 1000, UTC),
                event["level"],
                song_id,
                artist_of_song[song_id] if song_id else None,
            )
        )
    day_users: dict[date, set[int]] = defaultdict(set)
    for play in plays:
        day_users[play.start.date()].add(play.user_id)
    rows = analytics_rows(
        PlayCounts(
            per_song=Counter(p.song_id for p in plays if p.song_id),
            per_artist=Counter(p.artist_id for p in plays if p.artist_id),
            per_user=Counter(p.user_id for p in plays),
            per_hour=Counter(p.start.hour for p in plays),
            per_level=Counter(p.level for p in plays if p.level is not None),
            per_day=Counter(p.start.date() for p in plays),
            active_users_per_day={day: len(users) for day, users in day_users.items()},
            total=len(plays),
            matched=sum(p.song_id is not None for p in plays),
        )
    )
    # The names the ranking tables join from the dimensions, as the raw files give them.
    return {
        **rows,
        "top_songs": [
            (rank, sid, title_of_song[sid], artist_name.get(artist_of_song[sid]), n)
            for rank, sid, n in rows["top_songs"]
        ],
        "top_artists": [
            (rank, aid, artist_name.get(aid), n) for rank, aid, n in rows["top_artists"]
        ],
        "most_active_users": [
            (
                rank,
                user,
                repaired(latest[user]["firstName"]),
                repaired(latest[user]["lastName"]),
                latest[user]["level"],
                n,
            )
            for rank, user, n in rows["most_active_users"]
        ],
    }


def _text_order(value: Any) -> tuple[bool, str]:
    """NULLs after every text, as PostgreSQL and Redshift sort them."""
    return value is None, "" if value is None else str(value)


def _recency(event: dict[str, Any]) -> tuple[Any, ...]:
    """Smallest for the event that speaks for the user: the latest, then the tie rules."""
    return (
        -event["ts"],
        -event["itemInSession"],
        -event["sessionId"],
        *(_text_order(event[key]) for key in ("level", "firstName", "lastName", "gender")),
    )


def _copy_order(event: dict[str, Any]) -> tuple[Any, ...]:
    return (
        event["ts"],
        *(_text_order(event[key]) for key in ("song", "artist")),
        (event["length"] is None, event["length"] or 0.0),
        *(_text_order(event[key]) for key in ("level", "location", "userAgent")),
    )
