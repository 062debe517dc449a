"""Which JSON value goes to which column: Redshift's JSONPaths file, or `auto`.

JSONPaths map by position (the n-th path fills the n-th column); `auto` maps each column to the
object key of the same name. A missing key or path loads NULL, as on Redshift; under `auto`, a
record that is not an object is rejected.

The JSONPaths file is held to what Redshift's documentation allows, each rule quoted beside the
code that enforces it. Where the documentation is silent, the file is refused (Redshift might
refuse it too; a load that works here and fails there is the worse surprise) and the comment says
so. Every refusal names the file, the path (its number and text) and its line, and why.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from sparkify_assets.copyjson.convert import ERR_PARSE, ConversionError

Getter = Callable[[Any], Any]

USAGE_NOTES = "https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-json.html"
INDEX_NOT_FOUND = "Invalid JSONPath format: Not an array or index out of range"
DATA_FORMAT = (
    "https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html"
    "#copy-json-jsonpaths"
)

# One step of a path. Dot names: USAGE_NOTES, "When using dot notation, the JSONPath
# expressions must not contain the following characters: Single straight quotation mark ( ' ),
# Period, or dot ( . ), Brackets ( [ ] ) unless used to reference an array element". Also kept
# out of them, the documentation being silent: white space, `"` and `\`, and the characters
# other JSONPath dialects give a meaning (`* ? @ ( ) , :`), which Redshift doesn't support (see
# _UNSUPPORTED).
# Bracket names: the documentation writes them in single quotes only (`$['id']`) and says
# nothing of double quotes, escapes or an empty name: `["id"]`, `['it\'s']` and `['']` are
# refused. White space inside a quoted name is part of the name (`$['first name']`).
# Indexes: USAGE_NOTES, "JSON uses zero-based array indexing. Array indices must be positive
# integers (greater than or equal to zero)": no sign; leading zeros (silent) are refused.
_DOT_NAME = re.compile(r"""\.([^'.\[\]*?@(),:"\\\s]+)""")
_BRACKET_NAME = re.compile(r"\['([^'\\]+)'\]")
_INDEX = re.compile(r"\[(0|[1-9][0-9]*)\]")

# USAGE_NOTES: "Amazon Redshift doesn't support any JSONPath elements, such as wildcard
# characters or filter expressions, that might resolve to an ambiguous path or multiple name
# elements." Recursive descent, unions and slices are such elements too.
_MULTIPLE = (
    "Redshift doesn't support JSONPath elements that might resolve to an ambiguous path or "
    f"multiple name elements ({USAGE_NOTES})"
)
# Why a path stops being one Redshift documents, by what is found where it stops: the first
# pattern that matches there gives the reason.
_UNSUPPORTED = (
    (re.compile(r"\.\."), f"uses recursive descent ('..'): {_MULTIPLE}"),
    (re.compile(r"[.\[]?\*"), f"uses a wildcard ('*'): {_MULTIPLE}"),
    (re.compile(r"\[?[?@(]"), f"uses a filter or script expression: {_MULTIPLE}"),
    (re.compile(r"\[[^\]]*[,:]"), f"selects a union or slice of elements: {_MULTIPLE}"),
    (
        re.compile(r"\[\s*-"),
        "has a negative array index: Redshift's array indices \"must be positive integers "
        f'(greater than or equal to zero)" ({USAGE_NOTES})',
    ),
    (
        re.compile(r"\.?'"),
        "has a single quotation mark in dot notation, which Redshift doesn't allow "
        f"({USAGE_NOTES})",
    ),
    (
        re.compile(r"\[\""),
        "writes a bracket name in double quotes: Redshift's documentation shows single quotes "
        "only, so it is refused here",
    ),
    (
        re.compile(r"\s|[.\[]\s|\['[^']*'\s"),
        "has white space outside a quoted name, which Redshift's documentation never shows, so "
        "it is refused here",
    ),
    (
        re.compile(r"\[0[0-9]"),
        "has an array index with a leading zero, which Redshift's documentation never shows, so "
        "it is refused here",
    ),
    (
        re.compile(r"\[''\]"),
        "has an empty bracket name, which Redshift's documentation never shows, so it is "
        "refused here",
    ),
    (
        re.compile(r"\['[^']*\\"),
        "has a backslash in a bracket name: Redshift's documentation defines no escapes in "
        "JSONPath expressions, so it is refused here",
    ),
)


class JsonPathsError(ValueError):
    """The JSONPaths file can't be used; Redshift would refuse the COPY too."""


class JsonPathsIgnored(UserWarning):
    """The JSONPaths file's object isn't named "jsonpaths", so COPY loads as 'auto' instead,
    as Redshift does: no error, but the load should say so (catch it to log it)."""


@dataclass(frozen=True)
class JsonPath:
    """One expression of a JSONPaths file: its number (from 1), text and line in the file, and
    the object keys and array indexes it names, outermost first."""

    index: int
    text: str
    line: int
    steps: tuple[str | int, ...]

    def where(self) -> str:
        return _where(self.index, self.text, self.line)


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
            f'{name}: expected an object {{"jsonpaths": [...]}}, found {_kind(parsed)} (line '
            f"{_line_of(text, _skip_space(text, 0))}): the JSONPaths file must contain only a "
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
            f"found {len(pairs)} pairs ({other[0]!r}, line {_line_of(text, other[2])}): "
            f"Redshift's JSONPaths object is a single name/value pair ({DATA_FORMAT})"
        )
    _, paths, at = named[0]
    # DATA_FORMAT: "The value in the name/value pair is an array of JSONPath expressions."
    if not isinstance(paths, list):
        raise JsonPathsError(
            f'{name}: expected an object {{"jsonpaths": [...]}}, found {_kind(paths)} as the '
            f'value of "jsonpaths" (line {_line_of(text, at)}): it must be an array of '
            f"JSONPath expressions ({DATA_FORMAT})"
        )
    # Silent on an empty array; USAGE_NOTES: "Each JSONPath expression in the jsonpaths array
    # corresponds to one column", and a table has columns: refused here, whatever the table.
    if not paths:
        raise JsonPathsError(
            f'{name}: expected an object {{"jsonpaths": [...]}} with at least one path, found an '
            f"empty array (line {_line_of(text, at)}): each JSONPath expression corresponds to "
            f"one column ({USAGE_NOTES})"
        )
    parsed_paths = [
        _parse_path(path, index, _line_of(text, offset), name)
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
            f"{_line_of(text, _skip_space(text, 0))}): Redshift's documentation names no "
            "behaviour for it, so it is refused here"
        )
    # USAGE_NOTES: "If the name is any string other than "jsonpaths", COPY uses the 'auto'
    # argument instead of using the JSONPaths file." DATA_FORMAT: "the COPY command does not
    # return an error, but it ignores jsonpaths_file and uses the 'auto' argument instead."
    key, _, at = pairs[0]
    warnings.warn(
        JsonPathsIgnored(
            f'{name}: the object is named {key!r} (line {_line_of(text, at)}), not "jsonpaths": '
            f"COPY uses 'auto' instead of this file, as Redshift does ({USAGE_NOTES})"
        ),
        stacklevel=3,
    )


def _parse_path(path: Any, index: int, line: int, name: str) -> tuple[JsonPath, str | None]:
    """The path, and the notation its names are written in (None: indexes only)."""
    # DATA_FORMAT: "If any of the following occurs, the COPY command fails: [...] An array
    # element is an empty string or is not a string."
    if not isinstance(path, str) or not path:
        empty = "is an empty string" if path == "" else f"is {_kind(path)}, not a string"
        raise JsonPathsError(
            f"{name}: {_where(index, path, line)} {empty}: Redshift fails a JSONPaths file whose "
            f"array element is an empty string or is not a string ({DATA_FORMAT})"
        )
    # USAGE_NOTES: "The dollar sign ($) represents the root-level structure"; every documented
    # expression starts with it. Silent on leaving it out: refused here.
    if not path.startswith("$"):
        raise JsonPathsError(
            f"{name}: {_where(index, path, line)} doesn't start with $, the root-level "
            f"structure, as every JSONPath expression in Redshift's documentation does"
        )
    steps: list[str | int] = []
    notation = None
    position = 1
    while position < len(path):
        match = (
            _BRACKET_NAME.match(path, position)
            or _INDEX.match(path, position)
            or _DOT_NAME.match(path, position)
        )
        if match is None:
            raise JsonPathsError(f"{name}: {_where(index, path, line)} {_why(path, position)}")
        if match.re is _INDEX:
            steps.append(int(match[1]))
        else:
            steps.append(match[1])
            this = "dot" if match.re is _DOT_NAME else "bracket"
            # USAGE_NOTES: "You cannot mix bracket notation and dot notation in the jsonpaths
            # array."
            if notation not in (None, this):
                raise JsonPathsError(
                    f"{name}: {_where(index, path, line)} mixes dot and bracket notation: "
                    f"Redshift accepts one notation per JSONPaths file ({USAGE_NOTES})"
                )
            notation = this
        position = match.end()
    # USAGE_NOTES: "a JSONPath expression specifies the explicit path to a single name element";
    # `$` alone names none (the documentation doesn't mention it): refused here.
    if not steps:
        raise JsonPathsError(
            f"{name}: {_where(index, path, line)} selects the whole record, not a single name "
            f"element ({USAGE_NOTES})"
        )
    return JsonPath(index, path, line, tuple(steps)), notation


def _why(path: str, position: int) -> str:
    """Why the path is refused where it stops being a path Redshift documents."""
    for pattern, reason in _UNSUPPORTED:
        if pattern.match(path, position):
            return reason
    return (
        f"is not a JSONPath expression Redshift documents (at character {position + 1}): "
        f"$ then .name, ['name'] or [index] steps ({USAGE_NOTES})"
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


def _where(index: int, path: Any, line: int) -> str:
    return f"path {index} ({path!r}, line {line})"


def _line_of(text: str, offset: int) -> int:
    """The line of the document (from 1) at a character offset: every refusal names one."""
    return text.count("\n", 0, offset) + 1


def _kind(value: Any) -> str:
    kinds = {dict: "an object", list: "an array", str: "a string", bool: "a Boolean"}
    return "null" if value is None else kinds.get(type(value), "a number")


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
