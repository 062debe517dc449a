"""Which JSON value fills which column: a JSONPaths file (its paths, in order, to the columns)
or `auto` (each column from the key of its name). How the values become COPY text:
test_conversion.py and test_number_text.py."""

from __future__ import annotations

import json

import pytest

from sparkify_assets.copyjson.convert import ConversionError
from sparkify_assets.copyjson.mapping import (
    JsonPathsError,
    auto_getters,
    jsonpaths_getters,
    parse_jsonpaths,
)
from sparkify_assets_tests.support.rawdata import jsonpaths

PATHS_FILE = "paths/events_jsonpath.json"


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
