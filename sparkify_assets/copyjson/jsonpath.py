"""One JSONPath expression of a JSONPaths file, read as Redshift's documentation allows: the
object keys and array indexes it names, or why it is refused.

Each rule is quoted beside the code that enforces it. Where the documentation is silent, the
path is refused (Redshift might refuse it too; a load that works here and fails there is the
worse surprise) and the comment says so. Every refusal names the file, the path (its number and
text) and its line, and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

USAGE_NOTES = "https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-json.html"
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


def parse_path(path: Any, index: int, line: int, name: str) -> tuple[JsonPath, str | None]:
    """Path `index` of the file `name`, on `line`, and the notation its names are written in
    (None: indexes only)."""
    # DATA_FORMAT: "If any of the following occurs, the COPY command fails: [...] An array
    # element is an empty string or is not a string."
    if not isinstance(path, str) or not path:
        empty = "is an empty string" if path == "" else f"is {kind_of(path)}, not a string"
        raise JsonPathsError(
            f"{name}: {_where(index, path, line)} {empty}: Redshift fails a JSONPaths "
            f"file whose array element is an empty string or is not a string ({DATA_FORMAT})"
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
            f"{name}: {_where(index, path, line)} selects the whole record, not a single "
            f"name element ({USAGE_NOTES})"
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


def _where(index: int, path: Any, line: int) -> str:
    return f"path {index} ({path!r}, line {line})"


def line_of(text: str, offset: int) -> int:
    """The line of the document (from 1) at a character offset: every refusal names one."""
    return text.count("\n", 0, offset) + 1


def kind_of(value: Any) -> str:
    """What a JSON value is, as a refusal says what it found instead."""
    kinds = {dict: "an object", list: "an array", str: "a string", bool: "a Boolean"}
    return "null" if value is None else kinds.get(type(value), "a number")
