"""Turn JSON values into PostgreSQL COPY text fields, with Redshift's conversion rules.

Each column gets one converter, chosen once from the table's own definition (its type and
length, read from the catalogue), so the DDL in `sql/` stays the single source of truth. A value
that doesn't fit raises `ConversionError` with Redshift's error code and a readable reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

NULL = "\\N"
Converter = Callable[[Any], str]

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# ASCII only: Python's int() and float() also take other scripts' digits and `1_000`; Redshift
# doesn't.
_INTEGER_TEXT = re.compile(r"[ \t]*[+-]?[0-9]+[ \t]*")
_FLOAT_TEXT = re.compile(r"[ \t]*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t]*")
INTEGER_RANGES = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
TEXT_TYPES = {"character varying", "character", "text"}
FLOAT_TYPES = {"double precision", "real"}

# Redshift's STL_LOAD_ERRORS codes for the cases the emulation can meet.
ERR_PARSE = 1200  # unknown parse error (invalid JSON, not an object, empty file)
ERR_TOO_LONG = 1204  # input data exceeded the acceptable range / DDL length
ERR_INVALID_DIGIT = 1207  # invalid digit in an integer
ERR_INVALID_FLOAT = 1208  # invalid float
ERR_INVALID_CHARACTER = 1220  # invalid or unsupported UTF-8 code point


class JsonNumber(str):
    """A JSON number as the file writes it (`1E2`, `1.50`, `-0`, 30 digits): Redshift keeps that
    text in a text column, which a decoded int or float has lost. `records.exact_loads` gives
    them; the numeric rules read the text as they read a string's."""

    __slots__ = ()


class ConversionError(ValueError):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    max_length: int | None = None


def converter_for(column: Column, truncate_columns: bool = False) -> Converter:
    """How a JSON value becomes the column's COPY text; `truncate_columns` is Redshift's
    TRUNCATECOLUMNS: text too long for its VARCHAR is cut to fit instead of rejected."""
    if column.data_type in TEXT_TYPES:
        return _text_converter(column.max_length, truncate_columns)
    if column.data_type in INTEGER_RANGES:
        return _integer_converter(column.data_type, *INTEGER_RANGES[column.data_type])
    if column.data_type in FLOAT_TYPES:
        return _float
    if column.data_type == "boolean":
        return _boolean
    raise TypeError(
        f"column {column.name} has type {column.data_type}, which the local COPY emulation "
        "does not load; use a text, integer, float or boolean column in staging"
    )


def fast_converter_for(column: Column, truncate_columns: bool = False) -> Converter:
    """`converter_for`, with a shortcut for the value shapes that fill most rows.

    The shortcut only accepts values the full rule would pass through unchanged (a short enough
    string, an in-range int, a float); everything else goes to the full rule, so the rules stay
    in one place. Text is passed through unescaped: use it only where no decoded string holds a
    backslash, tab, line break or NUL (`needs_escaping` tells for a record's raw line,
    `RowEncoder.clean` for a batch of written lines).
    """
    convert = converter_for(column, truncate_columns)
    if column.data_type in TEXT_TYPES:
        limit = column.max_length or 1 << 62
        fits = limit // 4  # any string this short fits: UTF-8 takes 4 bytes per character at most

        def text(value: Any) -> str:
            # isascii() costs nothing (CPython keeps a flag), and ASCII takes 1 byte a character.
            if type(value) is str and (
                len(value) <= fits or (len(value) <= limit and value.isascii())
            ):
                return value
            return NULL if value is None else convert(value)

        return text
    if column.data_type in INTEGER_RANGES:
        low, high = INTEGER_RANGES[column.data_type]
        digits = len(str(high)) - 1  # a string of this many ASCII digits is always in range

        def integer(value: Any) -> str:
            if type(value) is int and low <= value <= high:
                return str(value)
            if type(value) is str and _is_plain_count(value, digits):
                return value
            return NULL if value is None else convert(value)

        return integer
    if column.data_type in FLOAT_TYPES:

        def floating(value: Any) -> str:
            # orjson never yields NaN or infinity: a float here is always finite.
            return repr(value) if type(value) is float else convert(value)

        return floating
    return convert


def _is_plain_count(text: str, digits: int) -> bool:
    """ASCII digits, at most `digits` of them, no leading zero: the text int() would print."""
    return (
        0 < len(text) <= digits
        and text.isascii()
        and text.isdigit()
        and (text[0] != "0" or len(text) == 1)
    )


# A JSON escape that decodes to a backslash, tab, line break or control character (NUL among
# them): a record without one needs no COPY escaping in any of its strings.
_ESCAPE_IN_JSON = re.compile(rb"\\(?:[\\tnrbf]|u00[01]|u005[cC])")


def needs_escaping(raw_record: bytes) -> bool:
    """Whether a valid JSON record's strings may need COPY escaping (or hold a NUL)."""
    return _ESCAPE_IN_JSON.search(raw_record) is not None


def as_text(value: Any) -> str:
    """A JSON value as Redshift stores it in a text column, and as a rejection quotes it: a
    number keeps the file's text when it is a `JsonNumber` (else its shortest repr), an object
    or array is its compact JSON text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return _json_text(value)


def _json_text(value: Any) -> str:
    """Compact JSON text of a decoded value, its `JsonNumber`s written bare (orjson would quote
    them, as strings)."""
    if isinstance(value, dict):
        pairs = (f"{_json_text(key)}:{_json_text(item)}" for key, item in value.items())
        return "{" + ",".join(pairs) + "}"
    if isinstance(value, list):
        return "[" + ",".join(map(_json_text, value)) + "]"
    if isinstance(value, JsonNumber):
        return str(value)
    return orjson.dumps(value).decode()


def _text_converter(max_length: int | None, truncate: bool) -> Converter:
    def convert(value: Any) -> str:
        if value is None:
            return NULL
        text = as_text(value)
        if "\x00" in text:
            raise ConversionError(ERR_INVALID_CHARACTER, "NUL character (U+0000) in text")
        if max_length is not None and len(text) * 4 > max_length:
            encoded = text.encode("utf-8")
            if len(encoded) > max_length and truncate:
                # Whole characters only: a cut inside one would leave invalid UTF-8.
                text = encoded[:max_length].decode("utf-8", errors="ignore")
            elif len(encoded) > max_length:
                raise ConversionError(
                    ERR_TOO_LONG,
                    f"string length exceeds DDL length: {len(encoded):,} bytes for "
                    f"VARCHAR({max_length}) (SPARKIFY_TRUNCATECOLUMNS=true would cut it to fit)",
                )
        return text.translate(_COPY_ESCAPES)

    return convert


def _integer_converter(type_name: str, low: int, high: int) -> Converter:
    def convert(value: Any) -> str:
        if value is None or value == "":
            return NULL  # Redshift loads an empty field into a non-text column as NULL
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ConversionError(
                ERR_INVALID_DIGIT, f"invalid digit: {as_text(value)[:64]!r} is not a whole number"
            )
        if isinstance(value, str):
            if not _INTEGER_TEXT.fullmatch(value):
                raise ConversionError(
                    ERR_INVALID_DIGIT, f"invalid digit: {value[:64]!r} is not a whole number"
                )
            text = value.strip(" \t")
            # Over 19 significant digits is beyond any of the types (and int() refuses a text
            # of over 4,300 digits).
            if len(text.lstrip("+-").lstrip("0")) > 19:
                raise ConversionError(
                    ERR_TOO_LONG, f"{text[:64]} is out of range for type {type_name}"
                )
            value = int(text)
        if not low <= value <= high:
            raise ConversionError(ERR_TOO_LONG, f"{value} is out of range for type {type_name}")
        return str(value)

    return convert


def _float(value: Any) -> str:
    if value is None or value == "":
        return NULL
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConversionError(ERR_INVALID_FLOAT, f"invalid float: {as_text(value)[:64]!r}")
    if isinstance(value, str) and not _FLOAT_TEXT.fullmatch(value):
        raise ConversionError(ERR_INVALID_FLOAT, f"invalid float: {value[:64]!r}")
    number = float(value)
    if not math.isfinite(number):  # `1e400`: beyond a double's range
        raise ConversionError(ERR_INVALID_FLOAT, f"invalid float: {as_text(value)[:64]!r}")
    return repr(number)


def _boolean(value: Any) -> str:
    if value is None or value == "":
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    text = as_text(value).strip().lower()
    if text in {"t", "true", "1", "y", "yes"}:
        return "t"
    if text in {"f", "false", "0", "n", "no"}:
        return "f"
    raise ConversionError(ERR_PARSE, f"invalid boolean: {text[:64]!r}")


def copy_text_row(values: Iterable[Any]) -> str:
    """Python values as one line of COPY text, for rows the project writes itself."""
    fields = []
    for value in values:
        if value is None:
            fields.append(NULL)
        elif isinstance(value, datetime):
            fields.append(value.isoformat(sep=" "))
        else:
            fields.append(str(value).replace("\x00", "\ufffd").translate(_COPY_ESCAPES))
    return "\t".join(fields) + "\n"
