"""Schema drift: a top-level JSON key that fills no column is dropped by COPY on both targets,
but counted, by key, with its first file and line; recorded per load in load_unmapped_keys; on
the staging asset's materialization; and a WARN check names a key the first time a load meets
it. Redshift's path counts a sample of the files its COPY read, with the same counter."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import boto3
import orjson
import psycopg2
import pytest
from dagster import AssetKey, DagsterEventType
from moto import mock_aws

from sparkify_assets.config.settings import Settings
from sparkify_assets.copyjson import JsonFormat, RemoteFiles, load_json_files, parallel
from sparkify_assets.copyjson.batches import Batch, file_batches
from sparkify_assets.copyjson.convert import Column
from sparkify_assets.copyjson.drift import UnmappedKey, UnmappedKeys
from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.tables import STAGING_TABLES
from sparkify_assets.warehouse import redshift_copy
from sparkify_assets.warehouse.source import RawSourceResource
from sparkify_assets_tests.conftest import RawFiles, check_results, run_etl
from sparkify_assets_tests.support.rawdata import event, log_files, ndjson, song, song_files
from sparkify_assets_tests.support.redshift_recorder import Recorder

EVENTS, SONGS = STAGING_TABLES
DAY_1 = "log_data/2018/11/2018-11-01-events.json"
DAY_2 = "log_data/2018/11/2018-11-02-events.json"
TS_DAY_1, TS_DAY_2 = 1541030400796, 1541116800796  # 2018-11-01 and -02, 00:00:00.796 UTC


def recorded_keys(warehouse) -> list[tuple]:
    with warehouse.session() as session:
        session.cursor.execute(
            "SELECT tbl_name, json_key, records, example_file, example_line "
            "FROM load_unmapped_keys ORDER BY tbl_name, json_key"
        )
        return session.cursor.fetchall()


def test_a_key_the_jsonpaths_do_not_map_is_counted_with_its_first_file_and_line(
    warehouse, raw_files: RawFiles
):
    source = raw_files(
        log_files(
            ("2018-11-01", [event(ts=TS_DAY_1), event(ts=TS_DAY_1, sessionTag="a")]),
            ("2018-11-02", [event(ts=TS_DAY_2, sessionTag="b"), event(ts=TS_DAY_2)]),
        )
    )
    load = warehouse.load_staging(EVENTS, source)
    assert load.result.rows_loaded == 4, "the key is dropped, as COPY drops it"
    assert load.result.unmapped_keys == (UnmappedKey("sessionTag", 2, DAY_1, 2),)
    assert recorded_keys(warehouse) == [("staging_events", "sessionTag", 2, DAY_1, 2)]


def test_a_key_that_is_a_column_under_auto_is_not_counted_another_is(
    warehouse, raw_files: RawFiles
):
    # 'auto' matches a key to the column of its name, case and all: `Year` fills nothing.
    source = raw_files(song_files(song(), song(Year=1999, label="X"), song(label="Y")))
    load = warehouse.load_staging(SONGS, source)
    assert [(k.key, k.records) for k in load.result.unmapped_keys] == [("label", 2), ("Year", 1)]
    first = "song_data/A/A/A/TR0000000000000001.json"
    assert {k.key: k.example for k in load.result.unmapped_keys} == {
        "label": f"{first}:1",
        "Year": f"{first}:1",
    }


def test_a_key_under_a_mapped_key_is_not_drift_only_a_new_top_level_key_is():
    paths = json.dumps({"jsonpaths": ["$['a']['b']", "$['n']"]}).encode()
    encoder = JsonFormat("paths.json", paths).encoder(
        [Column("b", "character varying", 8), Column("n", "integer")]
    )
    data = b'{"a": {"b": "x", "new_inside": 1}, "n": 1, "top": 2}'
    [batch] = file_batches("f.json", io.BytesIO(data), encoder)
    assert batch.unmapped is not None
    assert batch.unmapped.found() == [UnmappedKey("top", 1, "f.json", 1)]


def test_a_rejected_records_keys_are_not_counted(warehouse, raw_files: RawFiles):
    source = raw_files(
        log_files(
            (
                "2018-11-01",
                [
                    event(ts=TS_DAY_1, userId="seven", onlyRejected=1),  # invalid digit
                    event(ts=TS_DAY_1, song="nul\u0000", onlyRejected=1),  # NUL in text
                    event(ts=TS_DAY_1, kept=1),
                ],
            )
        )
    )
    load = warehouse.model_copy(update={"maxerror": 10}).load_staging(EVENTS, source)
    assert load.result.rejected == 2
    assert load.result.unmapped_keys == (UnmappedKey("kept", 1, DAY_1, 3),)


def _many_days(root: Path, days: int, events_a_day: int) -> list[str]:
    """Days of events, every third event with `drift`; each file also has `day<N>` once."""
    files = log_files(
        *(
            (
                f"2018-11-{day:02d}",
                [
                    event(ts=TS_DAY_1 + (day - 1) * 86_400_000 + i, **extra)
                    for i in range(events_a_day)
                    for extra in [{"drift": i} if i % 3 == 0 else {}]
                ]
                + [event(ts=TS_DAY_1 + (day - 1) * 86_400_000, **{f"day{day}": True})],
            )
            for day in range(1, days + 1)
        )
    )
    for key, content in files.items():
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_text(content)
    return sorted(key for key in files if key.startswith("log_data"))


def test_counts_from_parallel_workers_add_up(warehouse, tmp_path):
    days, events_a_day = 8, 3_000  # 8 files in 8 chunks: both worker processes get some
    files = _many_days(tmp_path, days, events_a_day)
    source = RawSourceResource(location=str(tmp_path))
    by_workers = warehouse.model_copy(update={"load_workers": 2}).load_staging(EVENTS, source)
    expected = [
        UnmappedKey("drift", days * events_a_day // 3, files[0], 1),
        *(UnmappedKey(f"day{day}", 1, files[day - 1], events_a_day + 1) for day in range(1, 9)),
    ]
    assert list(by_workers.result.unmapped_keys) == expected
    # The same read by threads in this process, as an S3 source is: nothing lost in frames.
    with warehouse.session() as session:
        session.execute("staging/incoming.create", incoming="by_threads", table="staging_events")
        by_threads = load_json_files(
            session.cursor,
            session.sql("common/copy_from_stdin", table="by_threads"),
            session.columns("staging_events"),
            files,
            RemoteFiles(source.open, workers=3),
            JsonFormat(EVENTS.jsonpaths, (tmp_path / EVENTS.jsonpaths).read_bytes()),
            maxerror=0,
        )
    assert by_threads.unmapped_keys == expected


def _new_json_keys(result) -> tuple[bool, str]:
    [evaluation] = [
        event.event_specific_data
        for event in result.all_events
        if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
        and event.event_specific_data.check_name == "new_json_keys"
        and event.event_specific_data.asset_key == AssetKey("staging_events")
    ]
    return evaluation.passed, evaluation.description or ""


def _write(root: Path, files: dict[str, str]) -> None:
    for key, content in files.items():
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_text(content)


def test_a_load_without_new_keys_passes(settings, tmp_path):
    _write(tmp_path, log_files(("2018-11-01", [event(ts=TS_DAY_1)])))
    result = run_etl(settings(SPARKIFY_SOURCE=str(tmp_path)), "staging_events")
    assert result.success
    assert check_results(result)["staging_events.new_json_keys"] is True
    assert _new_json_keys(result) == (
        True,
        "Every top-level JSON key of the latest load fills a column",
    )


def test_the_warn_check_fails_naming_a_new_key_and_passes_on_the_next_load_that_has_it(
    settings, tmp_path
):
    _write(tmp_path, log_files(("2018-11-01", [event(ts=TS_DAY_1), event(ts=TS_DAY_1, mood=1)])))
    first = run_etl(settings(SPARKIFY_SOURCE=str(tmp_path)), "staging_events")
    assert first.success, "a WARN check never fails the run"
    passed, description = _new_json_keys(first)
    assert not passed
    assert description == (
        f"New JSON keys that fill no column of staging_events: mood (1 records, first at {DAY_1}:2)"
    )
    [materialization] = first.asset_materializations_for_node("staging_events")
    assert materialization.metadata["unmapped_keys"].value == 1
    [record] = materialization.metadata["unmapped_key_examples"].value.records
    assert record.data == {"key": "mood", "records": 1, "example": f"{DAY_1}:2"}

    again = run_etl(settings(SPARKIFY_SOURCE=str(tmp_path)), "staging_events")
    assert _new_json_keys(again) == (
        True,
        "No new JSON key; the latest load met 1 that fill no column, all met before",
    )

    _write(tmp_path, log_files(("2018-11-01", [event(ts=TS_DAY_1, mood=2, tempo=3)])))
    third = run_etl(settings(SPARKIFY_SOURCE=str(tmp_path)), "staging_events")
    passed, description = _new_json_keys(third)
    assert not passed and "tempo (1 records" in description and "mood" not in description


# --- Redshift: the same counter, on a sample of the files the COPY read ---------------------


@pytest.fixture
def s3_source(monkeypatch):
    """moto's S3 with the source's bucket, and a function putting files into it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-west-2")
        s3.create_bucket(
            Bucket="udacity-dend", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
        )

        def put(files: dict[str, str]) -> None:
            for key, content in files.items():
                s3.put_object(Bucket="udacity-dend", Key=key, Body=content.encode())

        yield put


def _redshift_warehouse():
    warehouse = build_definitions(Settings.from_env(os.environ)).resources["warehouse"]
    return warehouse.process_config_and_initialize()


def test_the_redshift_path_scans_one_file_per_day_and_reports_the_same_counts(
    warehouse, raw_files: RawFiles, redshift_env, s3_source, monkeypatch
):
    days = log_files(
        ("2018-11-01", [event(ts=TS_DAY_1, mood=1), event(ts=TS_DAY_1)]),
        ("2018-11-02", [event(ts=TS_DAY_2), event(ts=TS_DAY_2, mood=2, tempo=3)]),
    )
    locally = warehouse.load_staging(EVENTS, raw_files(days))
    recorder = Recorder()  # from here on, every connection is to the recorded "Redshift"
    monkeypatch.setattr(psycopg2, "connect", recorder.connect)
    second_of_day_2 = "log_data/2018/11/late/2018-11-02-events.json"  # after DAY_2 by name
    s3_source({**days, second_of_day_2: ndjson(event(ts=TS_DAY_2, not_sampled=1))})
    # What SYS_LOAD_DETAIL says the COPY read: three files, two of them of 2018-11-02.
    read = [(f"s3://udacity-dend/{key}",) for key in (DAY_1, DAY_2, second_of_day_2)]
    recorder.answers.append((r"FROM sys_load_detail", read))
    on_redshift = _redshift_warehouse().load_staging(
        EVENTS, RawSourceResource(location="s3://udacity-dend")
    )
    assert (
        on_redshift.result.unmapped_keys
        == locally.result.unmapped_keys
        == (
            UnmappedKey("mood", 2, DAY_1, 1),
            UnmappedKey("tempo", 1, DAY_2, 2),
        )
    )
    sample_query = next(t for t in recorder.statements() if "FROM sys_load_detail" in t)
    assert "query_id = 4242" in sample_query and "LIMIT 10000" in sample_query
    inserts = [t for t in recorder.statements() if "INSERT INTO load_unmapped_keys" in t]
    assert len(inserts) == 2
    assert f"'staging_events', 'mood', 2, '{DAY_1}', 1" in inserts[0]


def test_on_redshift_a_table_that_is_not_daily_scans_the_first_files_the_copy_read(
    recorder, s3_source, monkeypatch
):
    monkeypatch.setattr(redshift_copy, "SAMPLE_FILES", 2)
    files = song_files(song(), song(label="X"), song(label="Y", Year=2000))
    s3_source(files)
    keys = sorted(files)
    read = [(f"s3://udacity-dend/{key}",) for key in keys[:2]]  # LIMIT 2 gives the first two
    recorder.answers.append((r"FROM sys_load_detail", read))
    load = _redshift_warehouse().load_staging(
        SONGS, RawSourceResource(location="s3://udacity-dend")
    )
    assert load.result.unmapped_keys == (UnmappedKey("label", 1, keys[1], 1),)
    sample_query = next(t for t in recorder.statements() if "FROM sys_load_detail" in t)
    assert "LIMIT 2" in sample_query


def test_without_files_listed_for_the_copy_redshift_reads_nothing_and_reports_no_keys(recorder):
    # No S3 here at all: a read would fail the load.
    load = _redshift_warehouse().load_staging(
        SONGS, RawSourceResource(location="s3://udacity-dend")
    )
    assert load.result.unmapped_keys == ()
    assert not any("INSERT INTO load_unmapped_keys" in t for t in recorder.statements())


def test_a_workers_frame_carries_the_counts_of_its_batch():
    counts = UnmappedKeys(frozenset({"a"}))
    counts.see({"a": 1, "b": 2}, "f.json", 3)
    frame = io.BytesIO()
    parallel._write_frame(frame, parallel._BATCH, Batch(b"1\n", 1, 1, [], 1, counts))
    frame.seek(0)
    _, batch = parallel._read_frame(frame, None)  # type: ignore[arg-type]
    assert batch.unmapped is not None
    assert batch.unmapped.found() == [UnmappedKey("b", 1, "f.json", 3)]
    assert orjson.loads(counts.to_json()) == {"b": [1, "f.json", 3]}
