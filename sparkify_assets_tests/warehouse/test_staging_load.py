"""Staging loads into a real PostgreSQL: what Redshift's COPY would load, reject and record."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from sparkify_assets.model.tables import STAGING_TABLES
from sparkify_assets.warehouse.emulated_copy import EmulatedCopy
from sparkify_assets.warehouse.loading import LoadFailed
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.source import RawSourceResource, SourceError
from sparkify_assets_tests.conftest import RawFiles
from sparkify_assets_tests.support.rawdata import event, log_files, ndjson, song, song_files

EVENTS, SONGS = STAGING_TABLES
DAY = "log_data/2018/11/2018-11-01-events.json"


def _tolerant(warehouse: WarehouseResource, maxerror: int = 100) -> WarehouseResource:
    return warehouse.model_copy(update={"maxerror": maxerror})


def _rows(warehouse: WarehouseResource, query_file: str, **params: object) -> list[tuple]:
    with warehouse.session() as session:
        return session.fetch_all(query_file, dict(params) or None)


def _load_errors(warehouse: WarehouseResource) -> list[tuple]:
    with warehouse.session() as session:
        session.cursor.execute(
            "SELECT filename, line_number, colname, err_code, err_reason FROM load_errors "
            "ORDER BY filename, line_number"
        )
        return session.cursor.fetchall()


def _staged(warehouse: WarehouseResource, table: str, columns: str) -> list[tuple]:
    with warehouse.session() as session:
        session.cursor.execute(f"SELECT {columns} FROM {table} ORDER BY 1")
        return session.cursor.fetchall()


def test_jsonpaths_map_event_fields_to_columns_by_position(warehouse, raw_files: RawFiles):
    source = raw_files(log_files(("2018-11-01", [event(userId="39", sessionId=38)])))
    load = warehouse.load_staging(EVENTS, source)
    assert load.result.rows_loaded == 1
    assert _staged(warehouse, "staging_events", "user_id, session_id, page, user_agent") == [
        (39, 38, "NextSong", '"Mozilla/5.0"')
    ]


def test_an_empty_user_id_loads_as_null_as_redshift_loads_empty_numeric_fields(
    warehouse, raw_files: RawFiles
):
    source = raw_files(log_files(("2018-11-01", [event(userId="", page="Home")])))
    warehouse.load_staging(EVENTS, source)
    assert _staged(warehouse, "staging_events", "user_id") == [(None,)]


def test_auto_maps_song_keys_to_same_named_columns_and_a_missing_key_loads_null(
    warehouse, raw_files: RawFiles
):
    incomplete = song(song_id="SOB")
    del incomplete["year"]
    source = raw_files(song_files(song(song_id="SOA", year=1999), incomplete))
    warehouse.load_staging(SONGS, source)
    assert _staged(warehouse, "staging_songs", "song_id, year") == [("SOA", 1999), ("SOB", None)]


def test_a_json_number_loaded_into_a_text_column_keeps_its_text(warehouse, raw_files):
    source = raw_files(song_files(song(title=4.6, artist_name=112)))
    warehouse.load_staging(SONGS, source)
    assert _staged(warehouse, "staging_songs", "title, artist_name") == [("4.6", "112")]


def test_a_file_may_hold_several_objects(warehouse, raw_files: RawFiles):
    two = json.dumps(song(song_id="SOA")) + json.dumps(song(song_id="SOB"))
    source = raw_files({"song_data/A/A/A/TRAAA.json": two})
    load = warehouse.load_staging(SONGS, source)
    assert load.result.records_read == 2
    assert _staged(warehouse, "staging_songs", "song_id") == [("SOA",), ("SOB",)]


@pytest.mark.parametrize(
    ("bad_line", "column", "reason"),
    [
        (b'{"artist": null, "auth": "Logged In", "firstName": "Wal', None, "invalid JSON"),
        (json.dumps(event(sessionId="abc")).encode(), "session_id", "invalid digit"),
        (json.dumps(event(artist="Bj?rk")).encode().replace(b"?", b"\xff"), None, "invalid UTF-8"),
    ],
    ids=["truncated JSON line", "non-numeric sessionId", "invalid UTF-8 byte"],
)
def test_a_bad_record_is_recorded_with_file_line_and_reason_and_good_rows_still_load(
    warehouse, raw_files: RawFiles, bad_line: bytes, column: str | None, reason: str
):
    good = [json.dumps(event(itemInSession=n)).encode() for n in (0, 2)]
    content = b"\n".join([good[0], bad_line, good[1]])
    source = raw_files({DAY: content, **log_files()})
    load = _tolerant(warehouse).load_staging(EVENTS, source)

    assert (load.result.records_read, load.result.rows_loaded) == (3, 2)
    [(filename, line_number, colname, _, err_reason)] = _load_errors(warehouse)
    assert (filename, line_number, colname) == (DAY, 2, column)
    assert reason in err_reason
    assert _staged(warehouse, "staging_events", "item_in_session") == [(0,), (2,)]


def test_an_empty_file_is_recorded_as_a_load_error_at_line_zero(warehouse, raw_files: RawFiles):
    source = raw_files(
        {
            DAY: ndjson(event()),
            "log_data/2018/11/2018-11-02-events.json": "",
            **log_files(),
        }
    )
    load = _tolerant(warehouse).load_staging(EVENTS, source)
    assert load.result.rows_loaded == 1
    [(filename, line_number, _, _, reason)] = _load_errors(warehouse)
    assert (filename, line_number) == ("log_data/2018/11/2018-11-02-events.json", 0)
    assert "empty" in reason


def test_rows_loaded_plus_rejected_equals_records_read(warehouse, raw_files: RawFiles):
    good = [json.dumps(event(itemInSession=n)) for n in range(5)]
    bad = [json.dumps(event(ts="soon")), "[1, 2", json.dumps(event(status="x"))]
    source = raw_files({DAY: "\n".join(good[:2] + bad + good[2:]), **log_files()})
    load = _tolerant(warehouse).load_staging(EVENTS, source)
    history = _rows(warehouse, "checks/last_load", tbl_name="staging_events")
    [(_, records_read, rows_loaded, rejected, errors_recorded, _, _)] = history
    assert (records_read, rows_loaded, rejected, errors_recorded) == (8, 5, 3, 3)
    assert load.result.rows_loaded + load.result.rejected == load.result.records_read


def test_as_many_errors_as_maxerror_fail_the_load_and_leave_the_table_as_it_was(
    warehouse, raw_files: RawFiles
):
    warehouse.load_staging(EVENTS, raw_files(log_files(("2018-11-01", [event()] * 3))))
    bad_day = raw_files(
        {
            DAY: "\n".join([json.dumps(event()), json.dumps(event(sessionId="x")), "{oops"]),
            **log_files(),
        }
    )

    with pytest.raises(LoadFailed) as failure:
        _tolerant(warehouse, maxerror=2).load_staging(EVENTS, bad_day)

    message = str(failure.value)
    assert "2 rejected records, and MAXERROR 2 fails a load at 2" in message
    assert f"{DAY} line 2, column session_id: invalid digit" in message
    assert f"{DAY} line 3: invalid JSON" in message
    assert _staged(warehouse, "staging_events", "COUNT(*)") == [(3,)]
    assert [row[:2] for row in _load_errors(warehouse)] == [(DAY, 2), (DAY, 3)]
    statuses = _rows(warehouse, "checks/last_load", tbl_name="staging_events")
    assert statuses[0][2] == 3  # the latest committed load is still the earlier one


@pytest.mark.parametrize(
    ("maxerror", "bad_records", "loads"),
    [(0, 1, False), (1, 1, False), (2, 1, True), (2, 2, False), (3, 2, True)],
)
def test_maxerror_n_fails_a_load_at_n_rejected_records_as_redshifts_copy_documents(
    warehouse, raw_files: RawFiles, maxerror: int, bad_records: int, loads: bool
):
    # "If the load returns the error_count number of errors or greater, the load fails."
    # (https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html)
    records = [json.dumps(event(itemInSession=n)) for n in range(3)]
    records += [json.dumps(event(itemInSession=9, sessionId="x"))] * bad_records
    source = raw_files({DAY: "\n".join(records), **log_files()})
    tolerant = _tolerant(warehouse, maxerror=maxerror)
    if loads:
        load = tolerant.load_staging(EVENTS, source)
        assert (load.result.rows_loaded, load.result.rejected) == (3, bad_records)
    else:
        with pytest.raises(LoadFailed, match=f"MAXERROR {maxerror} fails a load at"):
            tolerant.load_staging(EVENTS, source)


def test_with_the_default_maxerror_of_zero_one_bad_record_fails_the_load(
    warehouse, raw_files: RawFiles
):
    source = raw_files({DAY: ndjson(event(), event(sessionId="x")), **log_files()})
    with pytest.raises(LoadFailed, match="MAXERROR 0"):
        warehouse.load_staging(EVENTS, source)


def test_a_value_wider_than_its_column_is_rejected_not_truncated(warehouse, raw_files):
    source = raw_files({DAY: ndjson(event(userAgent="x" * 2000)), **log_files()})
    with pytest.raises(LoadFailed, match="exceeds DDL length"):
        warehouse.load_staging(EVENTS, source)


def test_a_prefix_with_no_files_is_a_clear_error(warehouse, raw_files: RawFiles):
    with pytest.raises(SourceError, match=r"no files under .*log_data/"):
        warehouse.load_staging(EVENTS, raw_files(log_files()))


def test_reloading_the_same_files_gives_the_same_rows(warehouse, raw_files: RawFiles):
    source = raw_files(log_files(("2018-11-01", [event(itemInSession=n) for n in range(4)])))
    warehouse.load_staging(EVENTS, source)
    first = _staged(warehouse, "staging_events", "*")
    warehouse.load_staging(EVENTS, source)
    assert _staged(warehouse, "staging_events", "*") == first


def test_a_file_that_vanishes_during_a_load_fails_it_with_the_files_name(
    warehouse, raw_files: RawFiles, monkeypatch: pytest.MonkeyPatch
):
    source = raw_files(log_files(("2018-11-01", [event()]), ("2018-11-02", [event()])))
    warehouse.load_staging(EVENTS, source)
    keys = source.list_keys("log_data/")
    (Path(source.location) / keys[1]).unlink()
    # The listing was taken before the file went away, as it is in a real race.
    monkeypatch.setattr(RawSourceResource, "list_keys", lambda self, prefix: keys)

    with pytest.raises(SourceError, match=f"cannot read .*{keys[1]}"):
        warehouse.load_staging(EVENTS, source)
    assert _staged(warehouse, "staging_events", "COUNT(*)") == [(2,)]


def test_two_loads_of_one_table_at_once_never_double_it(
    warehouse, raw_files: RawFiles, monkeypatch: pytest.MonkeyPatch
):
    source = raw_files(log_files(("2018-11-01", [event(itemInSession=n) for n in range(50)])))
    warehouse.load_staging(EVENTS, source)  # the schema and tables exist before the race
    original_copy = EmulatedCopy.copy
    failures: list[BaseException] = []

    def load() -> None:
        try:
            warehouse.load_staging(EVENTS, source)
        except BaseException as error:
            failures.append(error)

    def slow_copy(self, session, request):
        time.sleep(0.3)  # keep both loads inside their transactions at the same time
        return original_copy(self, session, request)

    monkeypatch.setattr(EmulatedCopy, "copy", slow_copy)
    loads = [threading.Thread(target=load) for _ in "ab"]
    for load in loads:
        load.start()
    for load in loads:
        load.join()
    assert failures == []
    assert _staged(warehouse, "staging_events", "COUNT(*)") == [(50,)]


def test_a_password_in_the_warehouse_url_never_appears_in_a_connection_error(warehouse):
    from sparkify_assets.warehouse.connect import WarehouseUnreachable

    secret = "Tops3cr%t"
    unreachable = warehouse.model_copy(
        update={"warehouse_url": f"postgresql://user:{secret}@127.0.0.1:1/db"}
    )
    with pytest.raises(WarehouseUnreachable) as failure, unreachable.session():
        pass
    assert secret not in str(failure.value)
    assert "SPARKIFY_WAREHOUSE_URL" in str(failure.value)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://alice:S3cr3t/x@127.0.0.1:1/db",  # unescaped "/" in the password
        "postgresql://alice:S3c@r3t@127.0.0.1:1/db",  # unescaped "@"
        "postgresql://alice:S3:cr3t@127.0.0.1:1/db",  # unescaped ":"
    ],
)
def test_no_part_of_an_unescaped_password_appears_in_a_connection_error(warehouse, url: str):
    from sparkify_assets.warehouse.connect import WarehouseUnreachable

    unreachable = warehouse.model_copy(update={"warehouse_url": url})
    with pytest.raises(WarehouseUnreachable) as failure, unreachable.session():
        pass
    message = str(failure.value)
    assert not any(piece in message for piece in ("S3c", "cr3t", "r3t", "alice")), message


def test_a_load_of_chosen_files_loads_exactly_those_files(warehouse, raw_files: RawFiles):
    source = raw_files(
        log_files(
            ("2018-11-01", [event(userId="1")]),
            ("2018-11-02", [event(userId="2")] * 2),
            ("2018-11-03", [event(userId="3")] * 3),
        )
    )
    chosen = ["log_data/2018/11/2018-11-03-events.json", DAY]
    load = warehouse.load_staging(EVENTS, source, files=chosen)
    assert (load.result.files, load.result.rows_loaded) == (2, 4)
    assert _staged(warehouse, "staging_events", "DISTINCT user_id") == [(1,), (3,)]


def test_a_chosen_file_outside_the_tables_prefix_is_refused_and_nothing_changes(
    warehouse, raw_files: RawFiles
):
    source = raw_files({**log_files(("2018-11-01", [event()])), **song_files(song())})
    warehouse.load_staging(EVENTS, source)
    with pytest.raises(SourceError, match="not a file under log_data/"):
        warehouse.load_staging(EVENTS, source, files=["song_data/A/A/A/TRAAA.json"])
    assert len(_staged(warehouse, "staging_events", "user_id")) == 1


@pytest.mark.parametrize(
    "key",
    [
        "log_data/../../elsewhere/secret.txt",  # climbs out of the source
        "log_data/2018/../../song_data/A/A/A/TRAAA.json",  # out of the prefix, inside the source
        "/etc/passwd",
        "log_data/../log_data/../../secret.txt",
        "log_data/2018/11/2018-11-01-events.json\x00",
        "",
    ],
)
def test_a_chosen_key_outside_the_tables_prefix_is_refused_before_anything_is_read(
    warehouse, raw_files: RawFiles, tmp_path: Path, key: str
):
    source = raw_files({**log_files(("2018-11-01", [event()])), **song_files(song())})
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text('{"userId": "stolen"}\n')
    warehouse.load_staging(EVENTS, source)
    with pytest.raises(SourceError, match="not a file under log_data/ of the source"):
        warehouse.load_staging(EVENTS, source, files=[key])
    assert _staged(warehouse, "staging_events", "user_id") == [(7,)]
    with warehouse.session() as session:
        session.cursor.execute("SELECT COUNT(*) FROM load_errors WHERE raw_line LIKE '%stolen%'")
        assert session.cursor.fetchone() == (0,)


def test_a_file_named_twice_in_two_spellings_is_loaded_once(warehouse, raw_files: RawFiles):
    source = raw_files(log_files(("2018-11-01", [event(), event(itemInSession=1)])))
    load = warehouse.load_staging(
        EVENTS,
        source,
        files=[
            "log_data/2018/11/2018-11-01-events.json",
            "log_data/./2018/11/2018-11-01-events.json",
            "log_data/2018//11/2018-11-01-events.json",
        ],
    )
    assert (load.result.files, load.result.rows_loaded) == (1, 2)


def test_a_jsonpaths_file_not_named_jsonpaths_loads_by_column_name_and_the_load_says_so(
    warehouse, raw_files: RawFiles
):
    """Redshift: "If the name is any string other than "jsonpaths", COPY uses the 'auto'
    argument instead of using the JSONPaths file" (copy-usage_notes-copy-from-json.html)."""
    files = log_files(("2018-11-01", [event(artist="Björk", userId="39", ts=1541105830796)]))
    files["log_json_path.json"] = '{"paths": ["$.artist"]}'
    said: list[str] = []
    warehouse.load_staging(EVENTS, raw_files(files), report=said.append)
    # 'auto' fills the columns whose names are the keys: artist and ts; user_id has no key.
    assert _staged(warehouse, "staging_events", "artist, ts, user_id") == [
        ("Björk", 1541105830796, None)
    ]
    assert any("named 'paths' (line 1), not \"jsonpaths\": COPY uses 'auto'" in s for s in said)
