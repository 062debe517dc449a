"""Which JSON value goes to which column: Redshift's JSONPaths file, or `auto`.

JSONPaths map by position (the n-th path fills the n-th column); `auto` maps each column to the
object key of the same name. A missing key or path loads NULL, as on Redshift; under `auto`, a
record that is not an object is rejected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from .convert import ERR_PARSE, ConversionError

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
    """The steps of every path in a JSONPaths document (`{"jsonpaths": ["$['a']", …]}`).

    Names are written in one notation in the whole file, dot (`$.a.b`) or bracket
    (`$['a']['b']`), as Redshift's "COPY from JSON format" page (JSONPath options) states; a
    file mixing them makes Redshift refuse the COPY, so it is refused here too.
    https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-json.html
    Array indexes (`[0]`) go with either."""
    try:
        parsed = orjson.loads(document)
    except orjson.JSONDecodeError as error:
        raise JsonPathsError(f"{name}: not valid JSON ({error.msg})") from None
    paths = parsed.get("jsonpaths") if isinstance(parsed, dict) else None
    if not isinstance(paths, list) or not paths:
        raise JsonPathsError(f'{name}: expected an object {{"jsonpaths": ["$[\'key\']", …]}}')
    steps, notations = [], {}
    for index, path in enumerate(paths, start=1):
        path_steps, notation = _parse_path(path, index, name)
        steps.append(path_steps)
        if notation is not None:
            notations.setdefault(notation, (index, path))
    if len(notations) > 1:
        (dot_index, dot_path), (bracket_index, bracket_path) = (
            notations["dot"],
            notations["bracket"],
        )
        raise JsonPathsError(
            f"{name}: path {dot_index} ({dot_path!r}, line {_line_of(document, dot_path)}) uses "
            f"dot notation and path {bracket_index} ({bracket_path!r}, line "
            f"{_line_of(document, bracket_path)}) bracket notation: Redshift accepts one "
            "notation per JSONPaths file"
        )
    return steps


def _line_of(document: bytes, path: str) -> int:
    """The line of the document where the path is written (1 when it can't be found)."""
    at = document.find(orjson.dumps(path))
    return document.count(b"\n", 0, at) + 1 if at >= 0 else 1


def _parse_path(path: Any, index: int, name: str) -> tuple[list[str | int], str | None]:
    """The path's steps, and the notation its names are written in (None: indexes only)."""
    if not isinstance(path, str) or not path.startswith("$"):
        raise JsonPathsError(f"{name}: path {index} ({path!r}) must be a string starting with $")
    steps: list[str | int] = []
    notation = None
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
            this = "dot" if dotted is not None else "bracket"
            if notation not in (None, this):
                raise JsonPathsError(
                    f"{name}: path {index} ({path!r}) mixes dot and bracket notation: Redshift "
                    "accepts one notation per JSONPaths file"
                )
            notation = this
        position = match.end()
    if not steps:
        raise JsonPathsError(f"{name}: path {index} ({path!r}) selects the whole record")
    return steps, notation


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


# 'auto' maps object keys to same-named columns, so a record that is an array has no value for
# any column: Redshift's COPY examples ("Load from JSON arrays using a JSONPaths file") say "To
# load from JSON data that consists of a set of arrays, you must use a JSONPaths file to map the
# array elements to columns".
# https://docs.aws.amazon.com/redshift/latest/dg/r_COPY_command_examples.html
# https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-json.html
# Such a record is rejected, not loaded as a row of NULLs.
NOT_AN_OBJECT = (
    "a JSON array, not an object: FORMAT AS JSON 'auto' maps object keys to columns (a set of "
    "arrays needs a JSONPaths file)"
)


def auto_getters(columns: Sequence[str]) -> list[Getter]:
    return [_key_of_object(column) for column in columns]


def _key_of_object(key: str) -> Getter:
    def get(record: Any) -> Any:
        if type(record) is dict:
            return record.get(key)
        raise ConversionError(ERR_PARSE, NOT_AN_OBJECT)

    return get


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
