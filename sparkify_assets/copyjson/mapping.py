"""Which JSON value goes to which column: Redshift's JSONPaths file, or `auto`.

JSONPaths map by position (the n-th path fills the n-th column); `auto` maps each column to the
object key of the same name. A missing key or path loads NULL, as on Redshift.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import orjson

Getter = Callable[[Any], Any]

_STEP = re.compile(
    r"""\[\s*'((?:[^'\\]|\\.)*)'\s*\]      # ['name']
      | \[\s*"((?:[^"\\]|\\.)*)"\s*\]      # ["name"]
      | \[\s*(\d+)\s*\]                    # [0]
      | \.([A-Za-z_][A-Za-z0-9_]*)         # .name
    """,
    re.VERBOSE,
)


class JsonPathsError(ValueError):
    """The JSONPaths file can't be used; Redshift would refuse the COPY too."""


def parse_jsonpaths(document: bytes, name: str) -> list[list[str | int]]:
    """The steps of every path in a JSONPaths document (`{"jsonpaths": ["$['a']", …]}`)."""
    try:
        parsed = orjson.loads(document)
    except orjson.JSONDecodeError as error:
        raise JsonPathsError(f"{name}: not valid JSON ({error.msg})") from None
    paths = parsed.get("jsonpaths") if isinstance(parsed, dict) else None
    if not isinstance(paths, list) or not paths:
        raise JsonPathsError(f'{name}: expected an object {{"jsonpaths": ["$[\'key\']", …]}}')
    return [_parse_path(path, index, name) for index, path in enumerate(paths, start=1)]


def _parse_path(path: Any, index: int, name: str) -> list[str | int]:
    if not isinstance(path, str) or not path.startswith("$"):
        raise JsonPathsError(f"{name}: path {index} ({path!r}) must be a string starting with $")
    steps: list[str | int] = []
    position = 1
    while position < len(path):
        match = _STEP.match(path, position)
        if match is None:
            raise JsonPathsError(
                f"{name}: path {index} ({path!r}) is not a JSONPath expression Redshift accepts "
                f"(at character {position + 1})"
            )
        single, double, number, dotted = match.groups()
        if number is not None:
            steps.append(int(number))
        else:
            text = single if single is not None else double if double is not None else dotted
            steps.append(re.sub(r"\\(.)", r"\1", text))
        position = match.end()
    if not steps:
        raise JsonPathsError(f"{name}: path {index} ({path!r}) selects the whole record")
    return steps


def jsonpaths_getters(
    steps_per_column: Sequence[list[str | int]], columns: Sequence[str], name: str
) -> list[Getter]:
    if len(steps_per_column) != len(columns):
        raise JsonPathsError(
            f"{name} has {len(steps_per_column)} paths but the table has {len(columns)} "
            "columns: Redshift requires one path per column, in column order"
        )
    return [_getter(steps) for steps in steps_per_column]


def single_keys(steps_per_column: Sequence[list[str | int]]) -> list[str] | None:
    """The object keys, when every path is just one key: the whole record is read in one go."""
    if all(len(steps) == 1 and isinstance(steps[0], str) for steps in steps_per_column):
        return [str(steps[0]) for steps in steps_per_column]
    return None


def auto_getters(columns: Sequence[str]) -> list[Getter]:
    return [_getter([column]) for column in columns]


def _getter(steps: list[str | int]) -> Getter:
    if len(steps) == 1 and isinstance(steps[0], str):
        key = steps[0]
        return lambda record: record.get(key) if isinstance(record, dict) else None

    def walk(record: Any) -> Any:
        value = record
        for step in steps:
            if isinstance(step, int):
                if not isinstance(value, list) or step >= len(value):
                    return None
            elif not isinstance(value, dict):
                return None
            value = value.get(step) if isinstance(step, str) else value[step]
        return value

    return walk
