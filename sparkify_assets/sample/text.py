"""Text as the real files write it: double-damaged UTF-8, and JSON that is compact, ASCII with
\\u escapes and `/` escaped."""

from __future__ import annotations

import json
from typing import Any

_MANGLE_LAYERS = 2  # the real logs went through the damage twice: é arrives as Ã\x83Â©


def mangle(text: str) -> str:
    """Damage text as the real logs are: UTF-8 bytes read back as Latin-1, twice over."""
    for _ in range(_MANGLE_LAYERS):
        text = text.encode("utf-8").decode("latin-1")
    return text


def as_json(value: Any) -> str:
    """Serialise like the real files: compact, ASCII with \\u escapes, and `/` escaped as `\\/`."""
    return json.dumps(value, separators=(",", ":")).replace("/", "\\/")


def log_text(text: str) -> str:
    """A song's or artist's text as a log line holds it."""
    return as_json(mangle(text))
