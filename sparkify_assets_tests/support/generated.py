"""Reading back what the sample generator wrote: its files, its records, the UTC day of a ts."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

SONG_KEYS = [
    "artist_id", "artist_latitude", "artist_location", "artist_longitude", "artist_name",
    "duration", "num_songs", "song_id", "title", "year",
]  # fmt: skip


def log_files(root: Path) -> list[Path]:
    return sorted((root / "log_data").rglob("*.json"))


def song_files(root: Path) -> list[Path]:
    return sorted((root / "song_data").rglob("*.json"))


def read_events(root: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in log_files(root)
        for line in path.read_text(encoding="utf-8").split("\n")
    ]


def read_songs(root: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in song_files(root)]


def utc_day(ts: int) -> str:
    return datetime.datetime.fromtimestamp(ts / 1000, datetime.UTC).date().isoformat()
