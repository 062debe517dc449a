"""Which JSON value goes to which column: Redshift's JSONPaths file, or `auto`.

JSONPaths map by position (the n-th path fills the n-th column); `auto` maps each column to the
object key of the same name. A missing key or path loads NULL, as on Redshift; under `auto`, a
record that is not an object is rejected.

The JSONPaths file is held to what Redshift's documentation allows (each path in jsonpath.py),
each rule quoted beside the code that enforces it. Where the documentation is silent, the file
is refused (Redshift might refuse it too; a load that works here and fails there is the worse
surprise) and the comment says so. Every refusal names the file, the path (its number and text)
and its line, and why.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from sparkify_assets.copyjson.convert import ERR_PARSE, ConversionError
from sparkify_assets.copyjson.jsonpath import (
    DATA_FORMAT,
    USAGE_NOTES,
    JsonPath,
    JsonPathsError,
    kind_of,
    line_of,
    parse_path,
)

Getter = Callable[[Any], Any]

INDEX_NOT_FOUND = "Invalid JSONPath format: Not an array or index out of range"


class JsonPathsIgnored(UserWarning):
    """The JSONPaths file's object isn't named "jsonpaths", so COPY loads as 'auto' instead,
    as Redshift does: no error, but the load should say so (catch it to log it)."""


def parse_jsonpaths(document: bytes, name: str) -> list[JsonPath] | None:
    """The paths of a JSONPaths document (`{"jsonpaths": ["$['a']", …]}`), or None when its
    object has another name and COPY uses 'auto' instead (a JsonPathsIgnored warning says so)."""
    try:
        text = document.decode()
    except UnicodeDecodeError as error:
        line = document.count(b"\n", 0, error.start) + 1
        raise JsonPathsError(f"{name}: not valid UTF-8 (line {line})") from None
    # DATA_FORMAT: "If any of the following occurs, the COPY command fails: The JSON is
    # malformed. There is more than one JSON object. Any characters except white space exist
    # outside the object."
    try:
        parsed = orjson.loads(document)
    except orjson.JSONDecodeError as error:
        raise JsonPathsError(
            f"{name}: not valid JSON ({error.msg}, line {error.lineno}): Redshift fails a "
            "JSONPaths file that is malformed, holds more than one JSON object, or has anything "
            f"but white space outside the object ({DATA_FORMAT})"
        ) from None
    # DATA_FORMAT: "The JSONPaths file must contain only a single JSON object (not an array)."
    if not isinstance(parsed, dict):
        raise JsonPathsError(
            f'{name}: expected an object {{"jsonpaths": [...]}}, found {kind_of(parsed)} (line '
            f"{line_of(text, _skip_space(text, 0))}): the JSONPaths file must contain only a "
            f"single JSON object (not an array) ({DATA_FORMAT})"
        )
    pairs = _object_pairs(text)
    named = [pair for pair in pairs if pair[0] == "jsonpaths"]
    if not named:
        _warn_ignored(name, text, pairs)
        return None
    # DATA_FORMAT: "The JSON object is a name/value pair. The object key [...] must be
    # "jsonpaths"." Silent on other names beside it, or the name twice: refused here.
    if len(pairs) > 1:
        other = next(pair for pair in pairs if pair is not named[0])
        raise JsonPathsError(
            f'{name}: expected an object {{"jsonpaths": [...]}} holding one name/value pair, '
            f"found {len(pairs)} pairs ({other[0]!r}, line {line_of(text, other[2])}): "
            f"Redshift's JSONPaths object is a single name/value pair ({DATA_FORMAT})"
        )
    _, paths, at = named[0]
    # DATA_FORMAT: "The value in the name/value pair is an array of JSONPath expressions."
    if not isinstance(paths, list):
        raise JsonPathsError(
            f'{name}: expected an object {{"jsonpaths": [...]}}, found {kind_of(paths)} as the '
            f'value of "jsonpaths" (line {line_of(text, at)}): it must be an array of '
            f"JSONPath expressions ({DATA_FORMAT})"
        )
    # Silent on an empty array; USAGE_NOTES: "Each JSONPath expression in the jsonpaths array
    # corresponds to one column", and a table has columns: refused here, whatever the table.
    if not paths:
        raise JsonPathsError(
            f'{name}: expected an object {{"jsonpaths": [...]}} with at least one path, found an '
            f"empty array (line {line_of(text, at)}): each JSONPath expression corresponds to "
            f"one column ({USAGE_NOTES})"
        )
    parsed_paths = [
        parse_path(path, index, line_of(text, offset), name)
        for index, (path, offset) in enumerate(
            zip(paths, _element_offsets(text, at), strict=True), start=1
        )
    ]
    _check_one_notation(parsed_paths, name)
    return [path for path, _ in parsed_paths]


def _warn_ignored(name: str, text: str, pairs: list[tuple[str, Any, int]]) -> None:
    """Warn that the file is ignored for 'auto' (an empty object, having no name, is refused)."""
    if not pairs:
        raise JsonPathsError(
            f'{name}: expected an object {{"jsonpaths": [...]}}, found an empty object (line '
            f"{line_of(text, _skip_space(text, 0))}): Redshift's documentation names no "
            "behaviour for it, so it is refused here"
        )
    # USAGE_NOTES: "If the name is any string other than "jsonpaths", COPY uses the 'auto'
    # argument instead of using the JSONPaths file." DATA_FORMAT: "the COPY command does not
    # return an error, but it ignores jsonpaths_file and uses the 'auto' argument instead."
    key, _, at = pairs[0]
    warnings.warn(
        JsonPathsIgnored(
            f'{name}: the object is named {key!r} (line {line_of(text, at)}), not "jsonpaths": '
            f"COPY uses 'auto' instead of this file, as Redshift does ({USAGE_NOTES})"
        ),
        stacklevel=3,
    )


def _check_one_notation(paths: Sequence[tuple[JsonPath, str | None]], name: str) -> None:
    """USAGE_NOTES: "You cannot mix bracket notation and dot notation in the jsonpaths array."
    Brackets for array indexes go with either ("Brackets can be used in both bracket notation
    and dot notation to reference an array element")."""
    first: dict[str, JsonPath] = {}
    for path, notation in paths:
        if notation is not None:
            first.setdefault(notation, path)
    if len(first) > 1:
        raise JsonPathsError(
            f"{name}: {first['dot'].where()} uses dot notation and {first['bracket'].where()} "
            f"bracket notation: Redshift accepts one notation per JSONPaths file ({USAGE_NOTES})"
        )


# Where things are in a document already known to be valid JSON: the standard library's decoder
# reads one value from a given offset, and says where it ends.
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


def _skip_space(text: str, at: int) -> int:
    return _SPACE.match(text, at).end()  # type: ignore[union-attr]  # `*` always matches


def _object_pairs(text: str) -> list[tuple[str, Any, int]]:
    """The top-level object's names and values, and the offset of each name, in file order,
    a repeated name included."""
    pairs = []
    at = _skip_space(text, _skip_space(text, 0) + 1)  # past "{"
    while text[at] != "}":
        key, end = _DECODER.raw_decode(text, at)
        value_at = _skip_space(text, _skip_space(text, end) + 1)  # past ":"
        value, end = _DECODER.raw_decode(text, value_at)
        pairs.append((key, value, at))
        at = _skip_space(text, end)
        at = _skip_space(text, at + 1) if text[at] == "," else at
    return pairs


def _element_offsets(text: str, name_at: int) -> list[int]:
    """The offset of each element of the array that is the value of the name at `name_at`."""
    _, end = _DECODER.raw_decode(text, name_at)
    at = _skip_space(text, _skip_space(text, _skip_space(text, end) + 1) + 1)  # past ":" and "["
    offsets = []
    while text[at] != "]":
        offsets.append(at)
        _, end = _DECODER.raw_decode(text, at)
        at = _skip_space(text, end)
        at = _skip_space(text, at + 1) if text[at] == "," else at
    return offsets


def jsonpaths_getters(paths: Sequence[JsonPath], columns: Sequence[str], name: str) -> list[Getter]:
    """USAGE_NOTES: "Each JSONPath expression in the jsonpaths array corresponds to one column
    in the Amazon Redshift target table. The order of the jsonpaths array elements must match
    the order of the columns in the target table"; a count that differs is refused."""
    if len(paths) > len(columns):
        raise JsonPathsError(
            f"{name}: {paths[len(columns)].where()} has no column: the file has {len(paths)} "
            f"paths but the table has {len(columns)} columns; Redshift requires one path per "
            f"column, in column order ({USAGE_NOTES})"
        )
    if len(paths) < len(columns):
        raise JsonPathsError(
            f"{name}: {paths[-1].where()} is the last path, but the table has {len(columns)} "
            f"columns ({columns[len(paths)]!r} has no path); Redshift requires one path per "
            f"column, in column order ({USAGE_NOTES})"
        )
    return [_getter(path.steps) for path in paths]


def single_keys(paths: Sequence[JsonPath]) -> list[str] | None:
    """The object keys, when every path is just one key: the whole record is read in one go."""
    if all(len(path.steps) == 1 and isinstance(path.steps[0], str) for path in paths):
        return [str(path.steps[0]) for path in paths]
    return None


def top_level_keys(paths: Sequence[JsonPath]) -> frozenset[str]:
    """The record keys the paths read from: each path's first step, when it is a name (a path
    starting with an index reads a record that is an array)."""
    return frozenset(path.steps[0] for path in paths if isinstance(path.steps[0], str))


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


def _getter(steps: Sequence[str | int]) -> Getter:
    if len(steps) == 1 and isinstance(steps[0], str):
        key = steps[0]
        return lambda record: record.get(key) if isinstance(record, dict) else None

    def walk(record: Any) -> Any:
        value = record
        for step in steps:
            if isinstance(step, int):
                # DATA_FORMAT: "If an array element referenced by a JSONPath expression is not
                # found in the JSON or Avro data, COPY fails with the following error: Invalid
                # JSONPath format: Not an array or index out of range." Here the record is
                # rejected with that reason: at the default MAXERROR the COPY fails, as there.
                if not isinstance(value, list) or step >= len(value):
                    raise ConversionError(ERR_PARSE, INDEX_NOT_FOUND)
            elif not isinstance(value, dict):
                return None  # a name not found: NULL, as for a missing key
            value = value.get(step) if isinstance(step, str) else value[step]
        return value

    return walk
