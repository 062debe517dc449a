"""Small hand-made raw files for tests: an event or a song with only the fields a test cares
about spelled out, the rest filled with ordinary values."""

from __future__ import annotations

import json
from typing import Any

from sparkify_assets.sample.generate import LOG_JSON_PATHS

JSONPATHS = {"log_json_path.json": LOG_JSON_PATHS}


def event(**fields: Any) -> dict[str, Any]:
    base = {
        "artist": "Some Artist",
        "auth": "Logged In",
        "firstName": "Ann",
        "gender": "F",
        "itemInSession": 0,
        "lastName": "Lee",
        "length": 200.5,
        "level": "free",
        "location": "Austin, TX",
        "method": "PUT",
        "page": "NextSong",
        "registration": 1540919166796.0,
        "sessionId": 1,
        "song": "Some Song",
        "status": 200,
        "ts": 1541105830796,
        "userAgent": '"Mozilla/5.0"',
        "userId": "7",
    }
    return {**base, **fields}


def song(**fields: Any) -> dict[str, Any]:
    base = {
        "artist_id": "ARAAAAAAAAAAAAAAAA",
        "artist_latitude": None,
        "artist_location": "",
        "artist_longitude": None,
        "artist_name": "Some Artist",
        "duration": 200.5,
        "num_songs": 1,
        "song_id": "SOAAAAAAAAAAAAAAAA",
        "title": "Some Song",
        "year": 2001,
    }
    return {**base, **fields}


def jsonpaths(*paths: object) -> bytes:
    """A JSONPaths file naming these paths, in order."""
    return json.dumps({"jsonpaths": list(paths)}).encode()


def ndjson(*records: dict[str, Any]) -> str:
    """One JSON object per line and no newline at the end, as the real logs are written."""
    return "\n".join(json.dumps(record) for record in records)


def log_files(*days: tuple[str, list[dict[str, Any]]]) -> dict[str, str]:
    """`log_data/…/<day>-events.json` files from (day, events) pairs, with the JSONPaths file."""
    files = {
        f"log_data/{day[:4]}/{day[5:7]}/{day}-events.json": ndjson(*events) for day, events in days
    }
    return {**files, **JSONPATHS}


def song_files(*songs: dict[str, Any]) -> dict[str, str]:
    return {
        f"song_data/A/A/A/TR{index:016d}.json": json.dumps(record)
        for index, record in enumerate(songs)
    }
