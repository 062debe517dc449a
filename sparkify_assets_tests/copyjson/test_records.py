"""How a JSON data file splits into records, as Redshift's COPY … JSON reads it: every record
keeps the line it starts on, and a broken stretch of the file is one error that doesn't take the
good records after it down with it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from sparkify_assets.copyjson.convert import JsonNumber
from sparkify_assets.copyjson.records import (
    MAX_RECORD_BYTES,
    exact_loads,
    iter_lines,
    iter_records,
    read_chunks,
)

BOM = "\ufeff".encode()


Record = tuple[int, object, str | None, bytes]  # line number, value, error, raw line


def records_of(data: bytes) -> list[Record]:
    return list(iter_records(iter_lines(read_chunks(io.BytesIO(data)))))


def loaded(records: list[Record]) -> list[tuple[int, object]]:
    """(line, value) of every record that loads."""
    return [(line, value) for line, value, error, _ in records if error is None]


def rejected(records: list[Record]) -> list[tuple[int, str]]:
    """(line, reason) of every error."""
    return [(line, error) for line, _, error, _ in records if error is not None]


def ndjson(*objects: object, end: bytes = b"\n") -> bytes:
    return end.join(json.dumps(value).encode() for value in objects)


def in_chunks(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


OBJECTS = [{"n": 1, "s": "one"}, {"n": 2, "s": "two"}, {"n": 3, "s": "drei ü"}]


def test_ndjson_gives_one_record_per_line_numbered_from_one():
    records = records_of(ndjson(*OBJECTS) + b"\n")
    assert loaded(records) == [(1, OBJECTS[0]), (2, OBJECTS[1]), (3, OBJECTS[2])]
    assert rejected(records) == []


def test_the_last_record_needs_no_trailing_newline():
    records = records_of(ndjson(*OBJECTS))
    assert loaded(records) == list(enumerate(OBJECTS, start=1))
    assert rejected(records) == []


def test_crlf_line_ends_are_read_like_plain_newlines():
    records = records_of(ndjson(*OBJECTS, end=b"\r\n") + b"\r\n")
    assert loaded(records) == list(enumerate(OBJECTS, start=1))
    assert rejected(records) == []


def test_a_utf8_byte_order_mark_at_the_start_of_the_file_is_not_part_of_the_first_record():
    records = records_of(BOM + ndjson(*OBJECTS))
    assert loaded(records) == list(enumerate(OBJECTS, start=1))
    assert rejected(records) == []


def test_blank_lines_are_skipped_but_still_count_in_line_numbers():
    first, second = (json.dumps(value).encode() for value in OBJECTS[:2])
    data = b"\n" + first + b"\n\n   \n\t\n" + second + b"\n\n"
    records = records_of(data)
    assert loaded(records) == [(2, OBJECTS[0]), (6, OBJECTS[1])]
    assert rejected(records) == []


NESTED = {"a": 1, "b": {"c": [1, 2, {"d": "x"}], "e": []}, "f": "multi\nline", "g": None}


@pytest.mark.parametrize(
    "pretty",
    [
        json.dumps(NESTED, indent=2),
        json.dumps(NESTED, indent=4, separators=(",", " : ")),
        # inner arrays kept on one line each, as many formatters write short arrays
        '{\n  "points": [\n    [1, 2],\n    [3, 4]\n  ]\n}',
        # an array of objects inside an object, the last one empty
        json.dumps({"items": [{"k": 1}, {}]}, indent=2),
    ],
    ids=["indent-2", "indent-4", "array-per-line", "empty-object-last"],
)
def test_a_pretty_printed_object_is_one_record_at_the_line_it_starts_on(pretty: str):
    follower = {"after": True}
    data = b"\n" + pretty.encode() + b"\n" + json.dumps(follower).encode()
    following_line = 2 + pretty.count("\n") + 1
    records = records_of(data)
    assert rejected(records) == []
    assert loaded(records) == [(2, json.loads(pretty)), (following_line, follower)]


@pytest.mark.parametrize("separator", [b"", b" ", b"\t "], ids=["touching", "space", "tab-space"])
def test_two_objects_on_one_line_are_two_records_on_that_line(separator: bytes):
    first, second = (json.dumps(value).encode() for value in OBJECTS[:2])
    data = json.dumps(OBJECTS[2]).encode() + b"\n" + first + separator + second
    records = records_of(data)
    assert rejected(records) == []
    assert loaded(records) == [(1, OBJECTS[2]), (2, OBJECTS[0]), (2, OBJECTS[1])]


@pytest.mark.parametrize(
    "truncated",
    [b'{"a": 1, "b": "xy', b'{"a": 1,', b'{"a": {"b": [1, 2'],
    ids=["inside-a-string", "after-a-comma", "nested"],
)
def test_a_truncated_line_is_one_error_at_its_line_and_the_lines_after_it_still_load(
    truncated: bytes,
):
    good_before, good_after, last = (json.dumps(value).encode() for value in OBJECTS)
    data = b"\n".join([good_before, truncated, good_after, b"", last])
    records = records_of(data)
    [(line, reason)] = rejected(records)
    assert line == 2
    assert "invalid JSON" in reason
    assert loaded(records) == [(1, OBJECTS[0]), (3, OBJECTS[1]), (5, OBJECTS[2])]


def test_a_truncated_last_line_is_an_error_at_that_line():
    data = ndjson(*OBJECTS[:2]) + b'\n{"a": 1, "b": "xy'
    records = records_of(data)
    assert loaded(records) == [(1, OBJECTS[0]), (2, OBJECTS[1])]
    [(line, _)] = rejected(records)
    assert line == 3


def test_an_invalid_utf8_byte_is_an_error_naming_utf8_and_the_byte_in_hex():
    bad = b'{"artist": "Bj\xf6rk"}'  # Latin-1 ö, not UTF-8
    data = b"\n".join([json.dumps(OBJECTS[0]).encode(), bad, json.dumps(OBJECTS[1]).encode()])
    records = records_of(data)
    [(line, reason)] = rejected(records)
    assert line == 2
    assert "UTF-8" in reason
    assert "0xf6" in reason.lower()
    assert loaded(records) == [(1, OBJECTS[0]), (3, OBJECTS[1])]


@pytest.mark.parametrize("scalar", [b"42", b'"just a string"', b"true", b"null", b"-1.5e3"])
def test_a_line_holding_a_json_scalar_is_not_a_record(scalar: bytes):
    records = records_of(json.dumps(OBJECTS[0]).encode() + b"\n" + scalar)
    assert loaded(records) == [(1, OBJECTS[0])]
    assert rejected(records) == [(2, "not a JSON object or array")]


def test_a_line_holding_a_json_array_is_a_record():
    records = records_of(b'[1, "two", {"three": 3}]\n[]')
    assert loaded(records) == [(1, [1, "two", {"three": 3}]), (2, [])]
    assert rejected(records) == []


@pytest.mark.parametrize(
    "data", [b"", b"   \n\n\t\r\n  ", BOM], ids=["zero-bytes", "whitespace-only", "bom-only"]
)
def test_a_file_with_no_record_is_exactly_one_error_at_line_zero_saying_it_is_empty(data: bytes):
    records = records_of(data)
    assert len(records) == 1
    [(line, reason)] = rejected(records)
    assert line == 0
    assert "empty" in reason


def _object_of_size(size: int) -> bytes:
    """A one-line JSON object of exactly `size` bytes."""
    shell = b'{"blob": ""}'
    return b'{"blob": "' + b"x" * (size - len(shell)) + b'"}'


@pytest.mark.parametrize("layout", ["one-line", "several-lines"])
def test_a_record_over_4_mb_is_rejected_citing_the_4_mb_limit(layout: str):
    big = _object_of_size(MAX_RECORD_BYTES + 100)
    if layout == "several-lines":
        big = big.replace(b'{"blob": ', b'{\n"blob":\n').replace(b'"}', b'",\n"n": 1\n}')
    records = records_of(big + b"\n")
    assert loaded(records) == []
    first_line, reason = rejected(records)[0]
    assert first_line == 1
    assert "4 MB" in reason


def test_a_record_over_4_mb_does_not_stop_the_next_line_from_loading():
    data = _object_of_size(MAX_RECORD_BYTES + 1) + b"\n" + json.dumps(OBJECTS[0]).encode()
    records = records_of(data)
    assert [line for line, _ in rejected(records)] == [1]
    assert loaded(records) == [(2, OBJECTS[0])]


def test_a_record_of_exactly_4_mb_loads():
    data = _object_of_size(MAX_RECORD_BYTES)
    assert len(data) == 4 * 1024 * 1024
    records = records_of(data)
    assert rejected(records) == []
    assert [line for line, _ in loaded(records)] == [1]


CHUNKY = (
    BOM
    + b'{"a": "\xc3\xa9t\xc3\xa9"}\r\n'
    + b"\n"
    + b'{\n  "pretty": [1,\n 2]\n}\n'
    + b'{"x": 1}{"y": 2}\n'
    + b'{"cut": "of\n'
    + b'["last", "\xe2\x82\xac"]\n'
)


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 64, len(CHUNKY)])
def test_chunk_boundaries_do_not_change_the_lines_or_the_records(chunk_size: int):
    expected_lines = CHUNKY.split(b"\n")[:-1]  # the text ends with a line break
    assert list(iter_lines(in_chunks(CHUNKY, chunk_size))) == expected_lines
    whole = list(iter_records(iter_lines([CHUNKY])))
    assert list(iter_records(iter_lines(in_chunks(CHUNKY, chunk_size)))) == whole


def test_read_chunks_hands_over_every_byte_of_the_stream():
    data = bytes(range(256)) * 5000  # larger than one read chunk
    assert b"".join(read_chunks(io.BytesIO(data))) == data


@pytest.mark.parametrize("number", [b"1e400", b"-1E309", b"9e999999"])
def test_a_number_beyond_a_doubles_range_is_valid_json_and_its_record_keeps_its_text(number):
    """orjson refuses `1e400` (it would be infinite as a double); JSON has no such limit, so the
    record is read again keeping the number's text, for the columns to judge."""
    [(line, value)] = loaded(records_of(b'{"n": ' + number + b', "s": "x"}'))
    assert line == 1
    assert value == {"n": number.decode(), "s": "x"}
    assert isinstance(value["n"], JsonNumber)


@pytest.mark.parametrize(
    "raw",
    [b'{"n": NaN}', b'{"n": Infinity}', b'{"n": -Infinity}', b'{"s": "\\ud800"}',
     b'{"n": 1e400, "s": "\\udfff"}', b'{"n": 1e400,}', b'{"n": 01}'],
)  # fmt: skip
def test_what_json_does_not_allow_stays_invalid_even_beside_a_huge_number(raw: bytes):
    [(line, reason)] = rejected(records_of(raw))
    assert line == 1 and "invalid JSON" in reason


def test_exact_loads_keeps_every_numbers_text_and_nothing_else_changes():
    value = exact_loads(b'{"a": [1E2, -0, 1.50, true, null, "1.50"], "b": {"c": 7}}')
    assert value == {"a": ["1E2", "-0", "1.50", True, None, "1.50"], "b": {"c": "7"}}
    assert [type(item).__name__ for item in value["a"]] == [
        "JsonNumber", "JsonNumber", "JsonNumber", "bool", "NoneType", "str"
    ]  # fmt: skip


def test_a_record_nested_deeper_than_the_exact_decoder_can_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="nested too deeply"):
        exact_loads(b"[" * 100_000 + b"]" * 100_000)
