"""The bad-input corpus: raw files as users' data arrives, each with what it must give.

Every case goes through a staging load of every day (as `sparkify_etl` runs it, tolerant of
rejections) and the star builds, and must keep the same promises: every good record loads,
every bad one is a row of load_errors naming its file, line and reason, rows loaded plus
rejected equal records read, and no star table holds a duplicate key. Cases that no load can
start from are a clear error naming what is wrong, and change nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

import pytest

from sparkify_assets.copyjson import JsonPathsError
from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import STAGING_TABLES, STAR_TABLES
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.source import SourceError
from sparkify_assets_tests.conftest import RawFiles
from sparkify_assets_tests.support.rawdata import JSONPATHS, event, song

EVENTS, SONGS = STAGING_TABLES
EVERY_DAY = Days(date(2018, 11, 1), date(2018, 12, 31), whole_table=True)
DAY = "log_data/2018/11/2018-11-01-events.json"
SONG = "song_data/A/A/A/TRAAAAAAAAAAAAAAAA.json"
TS = 1541105830796  # 2018-11-01T20:57:10.796Z
# Rows of no day are set aside after the COPY, by SQL that knows their value but not their line
# (neither target's COPY keeps a row's origin): they are recorded against the load's source.
SET_ASIDE = "log_data/"


SONG_B = "song_data/A/A/B/TRAAAAAAAAAAAAAAAB.json"
BIG = "123456789012345678901234567890"


def raw_line(record: dict, **numbers: str) -> str:
    """The record as one JSON line, the given fields written as these bare JSON numbers."""
    text = json.dumps({**record, **{key: f"@{key}@" for key in numbers}})
    for key, number in numbers.items():
        text = text.replace(f'"@{key}@"', number)
    return text


def line(**fields: object) -> str:
    return json.dumps(event(**fields))


def good(n: int) -> list[str]:
    """n good events of one session (distinct plays)."""
    return [line(itemInSession=i, ts=TS + i) for i in range(n)]


@dataclass
class Case:
    files: dict[str, bytes | str]
    rows: int  # rows the staging table must hold
    rejected: list[tuple[str, int, str]] = field(default_factory=list)  # file, line, reason
    table: str = "staging_events"


CASES = {
    "a truncated JSON line": Case(
        {DAY: "\n".join([*good(2), '{"artist": "A", "auth": "Logg', *good(1)])},
        rows=3,
        rejected=[(DAY, 3, "invalid JSON")],
    ),
    "a line that is a bare scalar": Case(
        {DAY: "\n".join([*good(2), "42"])}, rows=2, rejected=[(DAY, 3, "not a JSON object")]
    ),
    "a line that is a JSON array (no field found: its row has no ts, so no day)": Case(
        {DAY: "\n".join([*good(2), '["NextSong", 1541105830796]'])},
        rows=2,
        rejected=[(SET_ASIDE, 0, "no ts, so the record belongs to no day")],
    ),
    "invalid UTF-8": Case(
        {DAY: "\n".join(good(2)).encode() + b'\n{"artist": "Bj\xf6rk"}'},
        rows=2,
        rejected=[(DAY, 3, "invalid UTF-8: byte 0xf6")],
    ),
    "a UTF-8 byte order mark": Case({DAY: "\ufeff" + "\n".join(good(3))}, rows=3),
    "CRLF line endings": Case({DAY: "\r\n".join(good(3)) + "\r\n"}, rows=3),
    "no trailing newline, as the real logs": Case({DAY: "\n".join(good(3))}, rows=3),
    "an empty file beside a good one": Case(
        {DAY: "\n".join(good(2)), "log_data/2018/11/2018-11-02-events.json": ""},
        rows=2,
        rejected=[("log_data/2018/11/2018-11-02-events.json", 0, "file is empty")],
    ),
    "a 5 MB object (Redshift's limit for one is 4 MB)": Case(
        {DAY: "\n".join([*good(1), line(userAgent="x" * 5_000_000), line(ts=TS + 9)])},
        rows=2,
        rejected=[(DAY, 2, "over Redshift's 4 MB limit")],
    ),
    "a 70 KB user agent, wider than its column": Case(
        {DAY: "\n".join([*good(2), line(userAgent="M" * 70_000, ts=TS + 5)])},
        rows=2,
        rejected=[(DAY, 3, "string length exceeds DDL length: 70,000 bytes for VARCHAR(1024)")],
    ),
    "ts as a string of digits (Redshift reads it as a number)": Case(
        {DAY: "\n".join([*good(1), line(ts=str(TS + 7), itemInSession=7)])}, rows=2
    ),
    "ts as a float": Case(
        {DAY: "\n".join([*good(1), line(ts=TS + 0.5, itemInSession=7)])},
        rows=1,
        rejected=[(DAY, 2, "invalid digit")],
    ),
    "ts negative": Case(
        {DAY: "\n".join([*good(1), line(ts=-TS, itemInSession=7)])},
        rows=1,
        rejected=[(SET_ASIDE, 0, "ts is outside the days loaded (2018-11-01..2018-12-31)")],
    ),
    "ts in the far future": Case(
        {DAY: "\n".join([*good(1), line(ts=TS * 3, itemInSession=7)])},
        rows=1,
        rejected=[(SET_ASIDE, 0, "ts is outside the days loaded (2018-11-01..2018-12-31)")],
    ),
    "a non-numeric sessionId": Case(
        {DAY: "\n".join([*good(1), line(sessionId="abc", itemInSession=7)])},
        rows=1,
        rejected=[(DAY, 2, "invalid digit")],
    ),
    "a numeric userId (the logs write it as a string)": Case(
        {DAY: "\n".join([*good(1), line(userId=39, itemInSession=7)])}, rows=2
    ),
    "a tab, a line break and a backslash inside values (kept as they are)": Case(
        {
            DAY: "\n".join(
                [*good(1), line(song="Tab\there", artist="C:\\dir\nnext", itemInSession=7)]
            )
        },
        rows=2,
    ),
    "a NUL character inside a value": Case(
        {DAY: "\n".join([*good(1), line(song="nul\u0000here", itemInSession=7)])},
        rows=1,
        rejected=[(DAY, 2, "NUL character")],
    ),
    "the same event line twice": Case({DAY: "\n".join([*good(2), good(2)[1]])}, rows=3),
    "a song file with two objects": Case(
        {SONG: json.dumps(song(song_id="SO1")) + "\n" + json.dumps(song(song_id="SO2"))},
        rows=2,
        table="staging_songs",
    ),
    "a song file holding a JSON array of one object ('auto' maps object keys only)": Case(
        {SONG: "[" + json.dumps(song(song_id="SO1")) + "]", SONG_B: json.dumps(song())},
        rows=1,
        rejected=[(SONG, 1, "needs a JSONPaths file")],
        table="staging_songs",
    ),
    "numbers in text columns, as the file writes them": Case(
        {SONG: raw_line(song(), title=BIG, artist_name="1E2", artist_location="-0")},
        rows=1,
        table="staging_songs",
    ),
    "a year written 1E3 or past 64 bits": Case(
        {SONG: raw_line(song(song_id="SO1"), year="1E3"), SONG_B: raw_line(song(), year=BIG)},
        rows=0,
        rejected=[(SONG, 1, "invalid digit: '1E3'"), (SONG_B, 1, f"{BIG} is out of range")],
        table="staging_songs",
    ),
    "ts with an exponent": Case(
        {DAY: "\n".join([*good(1), raw_line(event(itemInSession=7), ts="1.541105830797E12")])},
        rows=1,
        rejected=[(DAY, 2, "invalid digit: '1.541105830797E12'")],
    ),
    "two song files with the same song_id": Case(
        {
            SONG: json.dumps(song(song_id="SO1", title="One")),
            SONG_B: json.dumps(song(song_id="SO1", title="Uno")),
        },
        rows=2,
        table="staging_songs",
    ),
}


def _with_the_other_table(case: Case) -> dict[str, bytes | str]:
    """The case's files plus one good file for the other staging table, and the JSONPaths."""
    files = dict(case.files)
    if case.table == "staging_events":
        files[SONG] = json.dumps(song())
    else:
        files[DAY] = "\n".join(good(1))
    return {**files, **JSONPATHS}


def _fetch(warehouse: WarehouseResource, query: str) -> list[tuple]:
    with warehouse.session() as session:
        session.cursor.execute(query)
        return session.cursor.fetchall()


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_loads_every_good_record_and_records_every_bad_one(
    case: Case, warehouse: WarehouseResource, raw_files: RawFiles
):
    source = raw_files(_with_the_other_table(case))
    tolerant = warehouse.model_copy(update={"maxerror": 100})
    tolerant.load_staging(EVENTS, source, days=EVERY_DAY)
    tolerant.load_staging(SONGS, source)

    count = {"staging_events": 0, "staging_songs": 0}
    for table, rows in _fetch(warehouse, "SELECT tbl_name, rows_loaded FROM load_history"):
        count[table] = rows
    assert count[case.table] == case.rows
    assert _fetch(warehouse, f"SELECT COUNT(*) FROM {case.table}") == [(case.rows,)]

    errors = _fetch(
        warehouse,
        "SELECT filename, line_number, err_reason FROM load_errors ORDER BY filename, line_number",
    )
    assert len(errors) == len(case.rejected), errors
    for (filename, line_number, reason), (file, line_no, expected) in zip(
        errors, case.rejected, strict=True
    ):
        assert filename.endswith(file), (filename, file)
        assert line_number == line_no
        assert expected in reason, reason

    reconciled = _fetch(
        warehouse,
        "SELECT tbl_name FROM load_history WHERE records_read <> rows_loaded + rejected",
    )
    assert reconciled == []

    for table in STAR_TABLES:
        warehouse.rebuild(table, EVERY_DAY if table.day_column else Days.ALL)
        duplicates = _fetch(
            warehouse,
            f"SELECT {table.key} FROM {table.name} GROUP BY {table.key} HAVING COUNT(*) > 1",
        )
        assert duplicates == [], f"{table.name} holds a key twice"


def test_tabs_line_breaks_and_backslashes_in_values_arrive_unchanged(warehouse, raw_files):
    case = CASES["a tab, a line break and a backslash inside values (kept as they are)"]
    warehouse.load_staging(EVENTS, raw_files(_with_the_other_table(case)), days=EVERY_DAY)
    assert ("Tab\there", "C:\\dir\nnext") in _fetch(
        warehouse, "SELECT song, artist FROM staging_events"
    )


def test_the_same_event_twice_is_one_play(warehouse: WarehouseResource, raw_files: RawFiles):
    source = raw_files(_with_the_other_table(CASES["the same event line twice"]))
    warehouse.load_staging(EVENTS, source, days=EVERY_DAY)
    warehouse.load_staging(SONGS, source)
    for table in STAR_TABLES:
        warehouse.rebuild(table, EVERY_DAY if table.day_column else Days.ALL)
    assert _fetch(warehouse, "SELECT COUNT(*) FROM songplays") == [(2,)]


def test_two_song_files_with_one_song_id_make_one_song(warehouse, raw_files: RawFiles):
    source = raw_files(_with_the_other_table(CASES["two song files with the same song_id"]))
    warehouse.load_staging(EVENTS, source, days=EVERY_DAY)
    warehouse.load_staging(SONGS, source)
    warehouse.rebuild(next(t for t in STAR_TABLES if t.name == "songs"))
    assert _fetch(warehouse, "SELECT song_id, title FROM songs") == [("SO1", "One")]


def test_with_truncatecolumns_a_70_kb_user_agent_is_cut_to_its_column_on_a_character(
    warehouse: WarehouseResource, raw_files: RawFiles
):
    agent = "é" * 600  # 1,200 bytes: the 1,024-byte cut falls on a character boundary at 512
    source = raw_files({DAY: line(userAgent=agent + "M" * 70_000), **JSONPATHS})
    truncating = warehouse.model_copy(update={"truncate_columns": True})
    truncating.load_staging(EVENTS, source, days=EVERY_DAY)
    assert _fetch(warehouse, "SELECT user_agent FROM staging_events") == [("é" * 512,)]
    assert _fetch(warehouse, "SELECT COUNT(*) FROM load_errors") == [(0,)]


@pytest.mark.parametrize(
    ("files", "error", "message"),
    [
        ({DAY: "\n".join(good(1))}, SourceError, "cannot read .*log_json_path.json"),
        (
            {DAY: "\n".join(good(1)), "log_json_path.json": '{"jsonpaths": "$.ts"}'},
            JsonPathsError,
            "log_json_path.json: expected an object",
        ),
        (
            {DAY: "\n".join(good(1)), "log_json_path.json": "{not json"},
            JsonPathsError,
            "log_json_path.json: not valid JSON",
        ),
        ({"elsewhere/x.json": "{}", **JSONPATHS}, SourceError, "no files under .*log_data/"),
    ],
    ids=["a missing JSONPaths file", "JSONPaths of the wrong shape", "JSONPaths not JSON",
         "a source prefix with no files"],
)  # fmt: skip
def test_input_no_load_can_start_from_is_a_clear_error_and_changes_nothing(
    files, error, message, warehouse: WarehouseResource, raw_files: RawFiles
):
    warehouse.load_staging(EVENTS, raw_files({DAY: "\n".join(good(4)), **JSONPATHS}))
    with pytest.raises(error, match=re.compile(message)):
        warehouse.load_staging(EVENTS, raw_files(files), days=EVERY_DAY)
    assert _fetch(warehouse, "SELECT COUNT(*) FROM staging_events") == [(4,)]


def test_numbers_in_text_columns_arrive_with_the_digits_of_the_file(warehouse, raw_files):
    case = CASES["numbers in text columns, as the file writes them"]
    warehouse.load_staging(SONGS, raw_files(_with_the_other_table(case)))
    assert _fetch(warehouse, "SELECT title, artist_name, artist_location FROM staging_songs") == [
        (BIG, "1E2", "-0")
    ]


def test_a_rejection_records_the_value_as_the_file_holds_it(warehouse, raw_files):
    case = CASES["a year written 1E3 or past 64 bits"]
    tolerant = warehouse.model_copy(update={"maxerror": 100})
    tolerant.load_staging(SONGS, raw_files(_with_the_other_table(case)))
    assert _fetch(
        warehouse, "SELECT colname, raw_field_value FROM load_errors ORDER BY filename"
    ) == [("year", "1E3"), ("year", BIG)]
