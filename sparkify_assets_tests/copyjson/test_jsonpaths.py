"""What the local JSONPaths parser accepts and refuses: exactly what Redshift's documentation
allows (copy-usage_notes-copy-from-json.html, copy-parameters-data-format.html), the rest
refused naming the file, the path and its line; where the documentation is silent, refused."""

from __future__ import annotations

import io

import pytest

from sparkify_assets.copyjson.batches import JsonFormat, file_batches
from sparkify_assets.copyjson.convert import Column
from sparkify_assets.copyjson.mapping import (
    JsonPathsError,
    JsonPathsIgnored,
    jsonpaths_getters,
    parse_jsonpaths,
)

NAME = "paths/events_jsonpath.json"
COLUMNS = [Column("text", "character varying", 256), Column("count", "integer")]


def on_line_3(path: str) -> bytes:
    """A file whose second path, on line 3, is written as given (JSON escapes and all)."""
    return ('{"jsonpaths": [\n  "$.ok",\n  "' + path + '"\n]}').encode()


def refusal(document: bytes) -> str:
    with pytest.raises(JsonPathsError) as refused:
        parse_jsonpaths(document, NAME)
    return str(refused.value)


@pytest.mark.parametrize("key", ["paths", "JSONPaths", "jsonpath"])
def test_a_jsonpaths_file_whose_object_is_not_named_jsonpaths_loads_as_auto_as_redshift_does(
    key: str,
):
    document = f'{{\n  "{key}": ["$.count", "$.text"]\n}}'.encode()
    with pytest.warns(JsonPathsIgnored, match=rf"{NAME}: the object is named '{key}' \(line 2\)"):
        encoder = JsonFormat(NAME, document).encoder(COLUMNS)
    [batch] = file_batches("f.json", io.BytesIO(b'{"count": 5, "text": "x"}\n'), encoder)
    assert batch.data == b"x\t5\n"  # by name, as 'auto' does: not by the file's order


def test_an_empty_object_names_nothing_and_is_refused_naming_its_line():
    assert f"{NAME}: expected an object" in refusal(b"\n{}")
    assert "(line 2)" in refusal(b"\n{}")


@pytest.mark.parametrize(
    "path",
    ["$[*]", "$.a.*", "$.a*", "$..a", "$.a[?(@.b)]", "$.a.length()", "$[0,1]", "$['a','b']",
     "$[0:2]"],
)  # fmt: skip
def test_a_wildcard_or_filter_path_is_refused_naming_its_line(path: str):
    message = refusal(on_line_3(path))
    assert f"{NAME}: path 2 ({path!r}, line 3)" in message
    assert "might resolve to an ambiguous path or multiple name elements" in message


@pytest.mark.parametrize("path", ["$.a[-1]", "$[-0]", "$['a'][ -2]"])
def test_a_negative_array_index_is_refused_naming_its_line(path: str):
    message = refusal(on_line_3(path))
    assert f"path 2 ({path!r}, line 3)" in message
    assert "greater than or equal to zero" in message


@pytest.mark.parametrize("path", ["$.a'b", "$.'a'"])
def test_a_quotation_mark_in_dot_notation_is_refused_naming_its_line(path: str):
    message = refusal(on_line_3(path))
    assert f"path 2 ({path!r}, line 3) has a single quotation mark in dot notation" in message


@pytest.mark.parametrize("path", ["$.a.", "$.a[b]", "$.a]", "$['a'", "$['a']junk", "$x"])
def test_a_path_outside_the_documented_grammar_is_refused_naming_its_line(path: str):
    message = refusal(on_line_3(path))
    assert f"path 2 ({path!r}, line 3) is not a JSONPath expression Redshift documents" in message


@pytest.mark.parametrize(
    ("path", "written", "reason"),
    [
        ('$["a"]', '$[\\"a\\"]', "double quotes"),
        ("$[ 'a' ]", "$[ 'a' ]", "white space"),
        ("$['a'] ", "$['a'] ", "white space"),
        ("$.a b", "$.a b", "white space"),
        ("$[01]", "$[01]", "leading zero"),
        ("$['']", "$['']", "empty bracket name"),
        ("$['it\\'s']", "$['it\\\\'s']", "backslash"),
        ("a.b", "a.b", "doesn't start with $"),
        (" $.a", " $.a", "doesn't start with $"),
        ("$", "$", "selects the whole record"),
    ],
)
def test_what_the_documentation_never_shows_is_refused_naming_its_line(
    path: str, written: str, reason: str
):
    message = refusal(on_line_3(written))
    assert f"path 2 ({path!r}, line 3)" in message
    assert reason in message


@pytest.mark.parametrize(("element", "shown"), [('""', "''"), ("7", "7"), ("null", "None"),
                                                ('["$.a"]', "['$.a']"), ("{}", "{}")])  # fmt: skip
def test_an_array_element_that_is_empty_or_not_a_string_is_refused_naming_its_line(
    element: str, shown: str
):
    message = refusal(f'{{"jsonpaths": [\n  "$.ok",\n  {element}\n]}}'.encode())
    assert f"path 2 ({shown}, line 3)" in message
    assert "empty string or is not a string" in message


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (b'\n\n["$.a"]', "found an array (line 3)"),
        (b'{"jsonpaths": ["$.a"]}\n{"jsonpaths": ["$.b"]}', "line 2)"),
        (b'{"jsonpaths": ["$.a"]}\n\n  junk', "line 3)"),
        (b'{"jsonpaths": [\n"$.a",\n"\xff"]}', "not valid UTF-8 (line 3)"),
    ],
    ids=["an array", "two objects", "text after the object", "not UTF-8"],
)
def test_a_file_that_is_not_one_json_object_is_refused_naming_the_line(
    document: bytes, expected: str
):
    message = refusal(document)
    assert message.startswith(f"{NAME}: ")
    assert expected in message


@pytest.mark.parametrize("other", ['"comment": "x"', '"jsonpaths": ["$.b"]'])
def test_a_jsonpaths_object_with_another_pair_beside_it_is_refused_naming_its_line(other: str):
    message = refusal(f'{{"jsonpaths": ["$.a"],\n\n  {other}}}'.encode())
    assert "found 2 pairs" in message
    assert "line 3)" in message


@pytest.mark.parametrize(("value", "found"), [('"$.a"', "a string"), ("[]", "an empty array")])
def test_a_jsonpaths_value_that_is_not_a_non_empty_array_is_refused_naming_its_line(
    value: str, found: str
):
    message = refusal(f'{{\n"jsonpaths":\n  {value}}}'.encode())
    assert f"{NAME}: expected an object" in message
    assert found in message
    assert "(line 2)" in message


def test_a_path_written_twice_is_named_by_its_own_line():
    paths = parse_jsonpaths(b'{"jsonpaths": [\n"$.a",\n"$.b",\n"$.a"]}', NAME)
    assert paths is not None
    with pytest.raises(JsonPathsError, match=r"path 3 \('\$\.a', line 4\) has no column"):
        jsonpaths_getters(paths, ["x", "y"], NAME)


def test_a_path_written_with_json_escapes_is_named_by_its_line():
    assert "path 2 ('$[*]', line 3)" in refusal(on_line_3("\\u0024[\\u002a]"))


@pytest.mark.parametrize(
    ("paths", "steps"),
    [
        (["$['id']", "$['store']['book']['title']", "$['location'][0]"],
         [("id",), ("store", "book", "title"), ("location", 0)]),
        (["$.id", "$.store.book.title", "$.location[0]"],
         [("id",), ("store", "book", "title"), ("location", 0)]),
        (["$.id", "$.guid", "$.address", "$.friends[0].id"],
         [("id",), ("guid",), ("address",), ("friends", 0, "id")]),
    ],
    ids=["bracket notation", "dot notation", "AvroPath"],
)  # fmt: skip
def test_the_documentation_s_examples_are_accepted(paths: list[str], steps: list[tuple]):
    document = ('{\n    "jsonpaths": [\n' + ",\n".join(f'"{p}"' for p in paths) + "]\n}").encode()
    parsed = parse_jsonpaths(document, NAME)
    assert parsed is not None
    assert [(path.steps, path.line) for path in parsed] == [(s, 3 + n) for n, s in enumerate(steps)]
