"""Which JSON value fills which column (a JSONPaths file, or `auto`), and how each value becomes
a PostgreSQL COPY text field under Redshift's conversion rules."""

from __future__ import annotations

import io
import json
import math
from datetime import datetime

import orjson
import pytest

from sparkify_assets.copyjson.batches import JsonFormat, file_batches
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
from sparkify_assets.copyjson.mapping import (
    INDEX_NOT_FOUND,
    JsonPathsError,
    auto_getters,
    jsonpaths_getters,
    parse_jsonpaths,
)

PATHS_FILE = "paths/events_jsonpath.json"


def jsonpaths(*paths: object) -> bytes:
    return json.dumps({"jsonpaths": list(paths)}).encode()


def getter(path: str):
    paths = parse_jsonpaths(jsonpaths(path), PATHS_FILE)
    assert paths is not None
    [get] = jsonpaths_getters(paths, ["c"], PATHS_FILE)
    return get


def steps_of(document: bytes) -> list[tuple[str | int, ...]]:
    paths = parse_jsonpaths(document, PATHS_FILE)
    assert paths is not None
    return [path.steps for path in paths]


# --- JSONPaths --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "steps"),
    [
        ("$['artist']", ("artist",)),
        ("$['first name']", ("first name",)),
        ("$.song.title", ("song", "title")),
        ("$.first-name", ("first-name",)),
        ("$['a.b']", ("a.b",)),
        ("$['tags'][0]", ("tags", 0)),
        ("$['a']['b'][12]", ("a", "b", 12)),
    ],
)
def test_a_jsonpath_is_read_as_the_keys_and_indexes_it_names(path: str, steps: tuple):
    assert steps_of(jsonpaths(path)) == [steps]


def test_every_path_of_the_file_is_parsed_in_order():
    document = jsonpaths("$['b']", "$['a']", "$['c'][1]")
    assert steps_of(document) == [("b",), ("a",), ("c", 1)]


def test_indexes_go_with_either_notation():
    assert steps_of(jsonpaths("$.tags[0]", "$.a.b")) == [("tags", 0), ("a", "b")]


def test_a_file_mixing_dot_and_bracket_notation_is_refused_naming_both_paths_and_lines():
    document = b'{"jsonpaths": [\n  "$.artist",\n  "$[\'auth\']"\n]}'
    with pytest.raises(JsonPathsError) as refused:
        parse_jsonpaths(document, PATHS_FILE)
    message = str(refused.value)
    assert "path 1 ('$.artist', line 2) uses dot notation" in message
    assert "path 2 (\"$['auth']\", line 3) bracket notation" in message


def test_a_path_mixing_dot_and_bracket_notation_is_refused_naming_it_and_its_line():
    with pytest.raises(JsonPathsError, match=r"path 1 \(.*, line 1\) mixes dot and bracket"):
        parse_jsonpaths(jsonpaths("$.song['title']"), PATHS_FILE)


@pytest.mark.parametrize(
    "document",
    [
        b'{"jsonpaths": ["$[\'a\']",',
        b"not json at all",
        json.dumps(["$['a']"]).encode(),
        jsonpaths(),
        jsonpaths("a.b"),
        jsonpaths("['a']"),
        jsonpaths(7),
        jsonpaths("$x"),
        jsonpaths("$['a']junk"),
        jsonpaths("$['a'"),
        jsonpaths("$"),
    ],
    ids=[
        "truncated-json",
        "not-json",
        "top-level-array",
        "no-paths",
        "no-dollar",
        "bracket-without-dollar",
        "path-not-a-string",
        "garbage-after-dollar",
        "garbage-after-a-step",
        "unclosed-bracket",
        "whole-record",
    ],
)
def test_an_unusable_jsonpaths_file_is_refused_naming_the_file_and_line(document: bytes):
    with pytest.raises(JsonPathsError) as refused:
        parse_jsonpaths(document, PATHS_FILE)
    assert PATHS_FILE in str(refused.value)
    assert "line 1" in str(refused.value)


@pytest.mark.parametrize("columns", [["a"], ["a", "b", "c"]])
def test_a_path_count_other_than_the_column_count_is_refused_naming_the_file(columns):
    paths = parse_jsonpaths(b'{"jsonpaths": [\n"$.x",\n"$.y"]}', PATHS_FILE)
    assert paths is not None
    with pytest.raises(JsonPathsError) as refused:
        jsonpaths_getters(paths, columns, PATHS_FILE)
    assert PATHS_FILE in str(refused.value)
    assert "path 2 ('$.y', line 3)" in str(refused.value)


def test_the_nth_path_fills_the_nth_column():
    paths = parse_jsonpaths(jsonpaths("$['b']", "$['a']"), PATHS_FILE)
    assert paths is not None
    first, second = jsonpaths_getters(paths, ["a", "b"], PATHS_FILE)
    record = {"a": "value of a", "b": "value of b"}
    assert (first(record), second(record)) == ("value of b", "value of a")


@pytest.mark.parametrize(
    ("path", "record", "expected"),
    [
        ("$['a']", {"a": 5}, 5),
        ("$.a.b", {"a": {"b": "deep"}}, "deep"),
        ("$['a'][1]", {"a": [10, 20]}, 20),
        ("$['a'][0]['b']", {"a": [{"b": True}]}, True),
    ],
)
def test_a_path_that_exists_gives_its_value(path: str, record: dict, expected: object):
    assert getter(path)(record) == expected


@pytest.mark.parametrize(
    ("path", "record"),
    [
        ("$['missing']", {"a": 1}),
        ("$.a.missing", {"a": {"b": 1}}),
    ],
)
def test_a_missing_key_gives_null(path: str, record: dict):
    assert getter(path)(record) is None


@pytest.mark.parametrize(
    ("path", "record"),
    [
        ("$['a'][5]", {"a": [1, 2]}),
        ("$['a'][0]", {"a": {"0": "not a list"}}),
        ("$['a'][0]", {"a": "text"}),
        ("$['missing'][0]", {"a": [1]}),
    ],
)
def test_an_array_element_not_found_is_redshifts_invalid_jsonpath_error(path: str, record: dict):
    """copy-parameters-data-format.html: "COPY fails with the following error: Invalid JSONPath
    format: Not an array or index out of range"; here the record is rejected with that reason."""
    with pytest.raises(ConversionError, match=r"^Invalid JSONPath format: Not an array or index"):
        getter(path)(record)


@pytest.mark.parametrize(
    ("path", "record"),
    [
        ("$.a.b", {"a": "a string"}),
        ("$.a.b", {"a": 3}),
        ("$.a.b", {"a": None}),
        ("$.a.b", {"a": ["b"]}),
        ("$['a']", ["a", "list", "record"]),
    ],
)
def test_a_path_through_something_that_is_not_a_container_of_that_kind_gives_null(
    path: str, record: object
):
    assert getter(path)(record) is None


def test_auto_maps_each_column_to_the_key_of_the_same_name_and_a_missing_key_to_null():
    song_id, year = auto_getters(["song_id", "year"])
    record = {"song_id": "SOA", "title": "x"}
    assert (song_id(record), year(record)) == ("SOA", None)


@pytest.mark.parametrize("record", [["song_id"], [{"song_id": "SOA"}], []], ids=repr)
def test_under_auto_a_record_that_is_an_array_is_refused_naming_the_jsonpaths_rule(record):
    """'auto' maps object keys; Redshift loads arrays only through a JSONPaths file."""
    [song_id] = auto_getters(["song_id"])
    with pytest.raises(ConversionError, match="JSONPaths file"):
        song_id(record)


# --- conversions ------------------------------------------------------------------------------

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


# --- a number keeps the file's text ------------------------------------------------------------

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
