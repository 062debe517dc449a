"""A JSON number keeps the text the file spells it with: in a text column, in a rejection's
quoted value, in a nested value; a float column stores the double nearest to it. Each record
goes through the loader's per-file path (file_batches), as a load reads it."""

from __future__ import annotations

import io

import pytest

from sparkify_assets.copyjson.batches import JsonFormat, file_batches
from sparkify_assets.copyjson.convert import (
    ERR_INVALID_DIGIT,
    ERR_INVALID_FLOAT,
    ERR_TOO_LONG,
    Column,
)
from sparkify_assets.copyjson.mapping import INDEX_NOT_FOUND
from sparkify_assets_tests.support.rawdata import jsonpaths

NUMBER_TEXTS = [
    "123456789012345678901234567890",
    "1E2",
    "1e2",
    "1.50",
    "-0",
    "-0.0",
    "1e400",
    "-1e-400",
    "1E+2",
    "0.000000000000000000000000001",
]
NUMBERS_COLUMNS = [
    Column("text", "character varying", 256),
    Column("count", "integer"),
    Column("share", "double precision"),
]


def _load_one(raw: bytes, columns: list[Column] = NUMBERS_COLUMNS, jsonpaths_file=None):
    """The record through the loader's per-file path: its COPY line, or its rejection."""
    if jsonpaths_file is None:
        encoder = JsonFormat().encoder(columns)
    else:
        encoder = JsonFormat("paths.json", jsonpaths_file).encoder(columns)
    [batch] = list(file_batches("f.json", io.BytesIO(raw), encoder))
    return batch.data.decode(), batch.errors, batch.records


@pytest.mark.parametrize("number", NUMBER_TEXTS)
def test_a_json_number_in_a_text_column_keeps_the_digits_of_the_file(number: str):
    data, errors, _ = _load_one(f'{{"text": {number}}}'.encode())
    assert errors == []
    assert data == f"{number}\t\\N\t\\N\n"


@pytest.mark.parametrize("number", NUMBER_TEXTS)
def test_a_json_number_in_a_nested_value_of_a_text_column_keeps_its_text(number: str):
    data, errors, _ = _load_one(f'{{"text": [{number}, {{"n": {number}}}]}}'.encode())
    assert errors == []
    assert data.split("\t")[0] == f'[{number},{{"n":{number}}}]'


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("1E2", ERR_INVALID_DIGIT),
        ("1.0", ERR_INVALID_DIGIT),
        ("1.50", ERR_INVALID_DIGIT),
        ("123456789012345678901234567890", ERR_TOO_LONG),
        ("2147483648", ERR_TOO_LONG),
        ("1" * 5000, ERR_TOO_LONG),  # past int()'s 4,300-digit limit
        ("1e400", ERR_INVALID_DIGIT),
        ("true", ERR_INVALID_DIGIT),
        ("[1]", ERR_INVALID_DIGIT),
        ('{"n": 1E2}', ERR_INVALID_DIGIT),
    ],
)
def test_a_rejection_quotes_the_value_as_the_file_holds_it(number: str, code: int):
    data, [error], records = _load_one(f'{{"count": {number}}}'.encode())
    assert (data, records) == ("", 1)
    assert (error.colname, error.err_code) == ("count", code)
    expected = number if not number.startswith("{") else '{"n":1E2}'  # compact JSON of it
    assert error.raw_field_value == expected[:1024]


@pytest.mark.parametrize(
    ("number", "stored"),
    [("1E2", 100.0), ("123456789012345678901234567890", 1.2345678901234568e29), ("-0", 0.0),
     ("1.50", 1.5), ("2.5e-3", 0.0025)],
)  # fmt: skip
def test_a_float_column_stores_the_double_nearest_to_the_files_number(number, stored):
    data, errors, _ = _load_one(f'{{"share": {number}}}'.encode())
    assert errors == []
    assert float(data.split("\t")[2]) == stored


@pytest.mark.parametrize("number", ["1e400", "-1E309"])
def test_a_number_beyond_a_doubles_range_is_an_invalid_float_quoting_its_text(number: str):
    data, [error], _ = _load_one(f'{{"share": {number}, "text": "kept?"}}'.encode())
    assert data == ""
    assert (error.colname, error.err_code, error.raw_field_value) == (
        "share",
        ERR_INVALID_FLOAT,
        number,
    )


def test_a_whole_number_in_an_integer_column_still_loads_whatever_its_sign_of_zero():
    data, errors, _ = _load_one(b'{"count": -0}\n{"count": 2147483647}')
    assert errors == []
    assert data == "\\N\t0\t\\N\n\\N\t2147483647\t\\N\n"


def test_under_auto_an_array_record_is_a_rejection_not_a_row_of_nulls():
    data, errors, records = _load_one(b'[{"text": "x"}]\n{"text": "y"}\n[]\n[1, 2, 3]')
    assert data == "y\t\\N\t\\N\n"
    assert records == 4  # rows + rejected = records read
    assert [error.line_number for error in errors] == [1, 3, 4]
    assert all("JSONPaths file" in error.err_reason for error in errors)


def test_with_jsonpaths_an_array_record_maps_by_index_and_one_too_short_is_rejected():
    paths = jsonpaths("$[0]", "$[1]", "$[2]")
    records = b'["1E2", 7, 1.50]\n[1.50, "8", null]\n[1.50, "8"]'
    data, errors, _ = _load_one(records, jsonpaths_file=paths)
    assert data == "1E2\t7\t1.5\n1.50\t8\t\\N\n"
    assert [(error.line_number, error.err_reason) for error in errors] == [(3, INDEX_NOT_FOUND)]


def test_duplicate_keys_take_the_last_value_on_every_path():
    """Redshift's pages say nothing of duplicate keys; orjson and the standard library both
    keep the last, so the fast and the exact path agree."""
    data, errors, _ = _load_one(b'{"text": "a", "text": 1.50, "count": 1, "count": "2"}')
    assert errors == []
    assert data == "1.50\t2\t\\N\n"


def test_a_number_as_an_object_key_is_just_a_key():
    data, errors, _ = _load_one(b'{"1": 5, "text": "k", "2.0": "x"}')
    assert (data, errors) == ("k\t\\N\t\\N\n", [])


@pytest.mark.parametrize(
    ("value", "code"),
    [("true", ERR_INVALID_DIGIT), ("false", ERR_INVALID_DIGIT), ('""', None), ("null", None),
     ('" 12 "', None), ('"0x1A"', ERR_INVALID_DIGIT), ("[[1]]", ERR_INVALID_DIGIT)],
)  # fmt: skip
def test_hostile_values_in_an_integer_column_load_or_are_rejected_never_loaded_wrong(value, code):
    data, errors, _ = _load_one(f'{{"count": {value}}}'.encode())
    if code is None:
        assert errors == [] and data.split("\t")[1] in ("\\N", "12")
    else:
        assert data == "" and errors[0].err_code == code


def test_a_number_with_a_backslash_elsewhere_in_its_record_keeps_its_text_and_is_escaped():
    data, errors, _ = _load_one(b'{"text": 1.50}\n{"text": "a\\\\b", "share": 1E2}')
    assert errors == []
    assert data == "1.50\t\\N\t\\N\na\\\\b\t\\N\t100.0\n"
