"""How each JSON value becomes a PostgreSQL COPY text field under Redshift's conversion rules,
column type by column type, and the rows the project writes itself."""

from __future__ import annotations

import math
from datetime import datetime

import orjson
import pytest

from sparkify_assets.copyjson.convert import (
    ERR_INVALID_CHARACTER,
    ERR_INVALID_DIGIT,
    ERR_INVALID_FLOAT,
    ERR_TOO_LONG,
    NULL,
    Column,
    ConversionError,
    converter_for,
    copy_text_row,
)

TEXT = converter_for(Column("title", "character varying", 512))
SMALLINT = converter_for(Column("status", "smallint"))
INTEGER = converter_for(Column("session_id", "integer"))
BIGINT = converter_for(Column("ts", "bigint"))
FLOAT = converter_for(Column("length", "double precision"))


def _copy_unescape(field: str) -> str:
    """What PostgreSQL's COPY text format reads back from a field (the escapes used here)."""
    out, chars = [], iter(field)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[following])
        else:
            out.append(char)
    return "".join(out)


@pytest.mark.parametrize(
    "column", [Column("t", "character varying", 8), Column("n", "integer"), Column("f", "real")]
)
def test_a_missing_value_loads_as_copy_null(column: Column):
    assert converter_for(column)(None) == NULL == "\\N"


@pytest.mark.parametrize("literal", ["4.6", "112", "-0.5", "1541105830796", "200.5", "0"])
def test_a_json_number_loaded_into_a_text_column_keeps_its_text(literal: str):
    assert TEXT(orjson.loads(literal)) == literal


@pytest.mark.parametrize(("value", "text"), [(True, "true"), (False, "false")])
def test_a_json_boolean_loaded_into_a_text_column_is_its_json_text(value: bool, text: str):
    assert TEXT(value) == text


@pytest.mark.parametrize(
    "text",
    ["tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "all\t\n\\\r\\n"],
)
def test_control_characters_and_backslashes_are_escaped_so_copy_reads_back_the_same_text(
    text: str,
):
    field = TEXT(text)
    assert not {"\t", "\n", "\r"} & set(field)
    assert field != NULL
    assert _copy_unescape(field) == text


def test_an_empty_string_into_a_text_column_stays_an_empty_string_not_null():
    assert TEXT("") == ""


def test_a_nul_character_in_text_is_rejected():
    with pytest.raises(ConversionError) as rejected:
        TEXT("before\x00after")
    assert rejected.value.code == ERR_INVALID_CHARACTER


@pytest.mark.parametrize(
    ("text", "fits"),
    [
        ("abcde", True),
        ("abcdef", False),
        ("éé", True),  # 4 bytes
        ("abcé", True),  # 5 bytes
        ("ééé", False),  # 3 characters, 6 bytes
        ("€€", False),  # 2 characters, 6 bytes
        ("a😀", True),  # 5 bytes
    ],
)
def test_varchar_length_counts_utf8_bytes_not_characters(text: str, fits: bool):
    varchar_5 = converter_for(Column("code", "character varying", 5))
    assert (len(text.encode("utf-8")) <= 5) is fits
    if fits:
        assert varchar_5(text) == text
    else:
        with pytest.raises(ConversionError) as rejected:
            varchar_5(text)
        assert rejected.value.code == ERR_TOO_LONG == 1204


def test_a_long_value_is_rejected_not_truncated():
    with pytest.raises(ConversionError) as rejected:
        TEXT("x" * 513)
    assert rejected.value.code == ERR_TOO_LONG


@pytest.mark.parametrize(("value", "number"), [(42, 42), (-7, -7), ("42", 42), ("-38", -38)])
def test_an_integer_column_takes_a_whole_number_or_its_digits_as_a_string(value, number: int):
    assert int(INTEGER(value)) == number


@pytest.mark.parametrize(
    "convert", [SMALLINT, INTEGER, BIGINT, FLOAT], ids=["int2", "int4", "int8", "float8"]
)
def test_an_empty_string_into_a_numeric_column_loads_as_null(convert):
    assert convert("") == NULL


@pytest.mark.parametrize("value", ["abc", "12abc", "1.5", "1e3", "--1", "0x10", "\u0661\u0662"])
def test_a_string_that_is_not_ascii_digits_is_an_invalid_digit_for_an_integer(value: str):
    with pytest.raises(ConversionError) as rejected:
        INTEGER(value)
    assert rejected.value.code == ERR_INVALID_DIGIT == 1207
    assert "invalid digit" in rejected.value.reason


@pytest.mark.parametrize("value", [12.5, 38.0, True, False, [1], {"n": 1}])
def test_a_value_that_is_not_a_whole_number_is_rejected_by_an_integer_column(value):
    with pytest.raises(ConversionError):
        INTEGER(value)


@pytest.mark.parametrize(
    ("convert", "low", "high"),
    [
        (SMALLINT, -(2**15), 2**15 - 1),
        (INTEGER, -(2**31), 2**31 - 1),
        (BIGINT, -(2**63), 2**63 - 1),
    ],
    ids=["smallint", "integer", "bigint"],
)
def test_integers_outside_the_columns_range_are_rejected(convert, low: int, high: int):
    assert convert(low) == str(low)
    assert convert(str(high)) == str(high)
    for outside in (low - 1, high + 1, str(high + 1)):
        with pytest.raises(ConversionError) as rejected:
            convert(outside)
        assert rejected.value.code == ERR_TOO_LONG


@pytest.mark.parametrize(
    "value", [7, 0, -3, 200.5, 0.1, 1540919166796.0, 1e-300, 2.5e300, "1.5", "-2.25e3", "42"]
)
def test_a_float_column_takes_numbers_and_numeric_strings_and_keeps_their_exact_value(value):
    text = FLOAT(value)
    assert float(text) == float(value)


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "1.2.3",
        "NaN",
        "nan",
        "inf",
        "-Infinity",
        math.nan,
        math.inf,
        "1_000",
        "\u0663.\u0665",
        True,
    ],
)
def test_anything_but_a_finite_number_in_plain_ascii_notation_is_an_invalid_float(value):
    with pytest.raises(ConversionError) as rejected:
        FLOAT(value)
    assert rejected.value.code == ERR_INVALID_FLOAT == 1208


def test_a_column_type_the_emulation_cannot_load_is_a_type_error_naming_the_column():
    with pytest.raises(TypeError, match="played_at"):
        converter_for(Column("played_at", "timestamp without time zone"))


# --- rows the project writes itself ----------------------------------------------------------


def test_copy_text_row_writes_tab_separated_fields_with_null_escapes_and_spaced_datetimes():
    started = datetime(2018, 11, 1, 21, 1, 46, 796000)
    row = copy_text_row([None, "a\tb\nc\\d", 3, started, ""])
    assert row.endswith("\n")
    fields = row[:-1].split("\t")
    assert len(fields) == 5
    null, text, number, moment, empty = fields
    assert null == NULL
    assert _copy_unescape(text) == "a\tb\nc\\d"
    assert number == "3"
    assert moment == f"{started.date().isoformat()} {started.time().isoformat()}"
    assert datetime.fromisoformat(moment) == started
    assert empty == ""


def test_copy_text_row_never_writes_a_nul_character():
    row = copy_text_row(["a\x00b"])
    assert "\x00" not in row
    assert row.startswith("a") and row.endswith("b\n")
