"""The Redshift target's loads away from the happy path, without AWS: a COPY over MAXERROR, a
COPY refused before it loads, chosen files and a range of days copied through a manifest on
S3 (moto's), and one day of the daily job. What each sends is compared with its snapshot
(sparkify_assets_tests/snapshots/redshift/scenarios/, and sparkify_daily.sql beside the jobs'),
which shows where it departs from sparkify_etl.sql."""

from __future__ import annotations

import json
import os
from datetime import date

import boto3
import pytest
from moto import mock_aws

from sparkify_assets.config.settings import Settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import STAGING_TABLES
from sparkify_assets.warehouse import redshift_copy
from sparkify_assets.warehouse.source import RawSourceResource, SourceError
from sparkify_assets_tests.support.redshift_recorder import (
    COMMIT,
    ROLLBACK,
    Recorded,
    Recorder,
    run,
)
from sparkify_assets_tests.support.redshift_snapshots import REDSHIFT_SNAPSHOTS, render
from sparkify_assets_tests.support.snapshots import assert_matches_snapshot
from sparkify_assets_tests.support.sql_text import without_comments

SCENARIOS = REDSHIFT_SNAPSHOTS / "scenarios"
ETL = REDSHIFT_SNAPSHOTS / "sparkify_etl.sql"  # what each snapshot here shows departures from
EVENTS, _ = STAGING_TABLES


def of_step(recorder: Recorder, step: str = "staging_events") -> list[Recorded]:
    return [recorded for recorded in recorder.log if recorded.step == step]


def _copy_fails(text: str) -> bool:
    return without_comments(text).startswith('COPY "staging_events')


def test_a_copy_over_maxerror_is_rolled_back_and_its_rejections_recorded_from_sys_views(
    recorder,
):
    recorder.copy_rejected = 3
    recorder.fail_when = _copy_fails
    result = run("sparkify_etl")
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure).step_failure_data
    message = failure.error.message
    assert "3 rejected records, and MAXERROR 0 fails a load at 1" in message
    assert "s3://bucket/log_data/bad.json line 7, column userid: Invalid digit" in message
    assert_matches_snapshot(
        SCENARIOS / "copy_over_maxerror.sql", render(of_step(recorder), like=ETL)
    )
    texts = [without_comments(r.text) for r in of_step(recorder)]
    copy = next(i for i, t in enumerate(texts) if t.startswith("COPY"))
    assert texts[copy + 1] == ROLLBACK, "the failed COPY's transaction is rolled back"
    after = texts[copy + 2 :]
    assert any("FROM sys_load_error_detail" in t and "query_id = 4242" in t for t in after)
    assert any("INSERT INTO load_history" in t and "'failed'" in t for t in after)
    assert after[-1] == COMMIT, "the record of the failed load is committed"
    assert not any(t.startswith(("DELETE", "COPY")) for t in after)


def test_a_copy_that_fails_before_loading_fails_the_step_with_redshifts_reason_and_is_recorded(
    recorder, monkeypatch
):
    # No COPY has a SYS_LOAD_HISTORY row here, staging_songs' committed one included, which
    # would wait the whole minute a committed COPY's row may take to show.
    monkeypatch.setattr(redshift_copy, "LOAD_RECORD_WAIT_SECONDS", 1.0)
    recorder.failure = "S3ServiceException:Access Denied,Status 403"
    recorder.copy_query_id = None  # a COPY refused before it runs is not in SYS_LOAD_HISTORY
    recorder.fail_when = _copy_fails
    result = run("sparkify_etl")
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert failure.step_key == "staging_events"
    assert "Access Denied" in failure.step_failure_data.error.message
    assert_matches_snapshot(SCENARIOS / "copy_refused.sql", render(of_step(recorder), like=ETL))
    texts = [without_comments(r.text) for r in of_step(recorder)]
    copy = next(i for i, t in enumerate(texts) if t.startswith("COPY"))
    assert texts[copy + 1] == ROLLBACK
    after = texts[copy + 2 :]
    assert any("INSERT INTO load_history" in t and "'failed'" in t for t in after)
    assert not any("sys_load_error_detail" in t for t in after), "no COPY, nothing rejected"
    assert after[-1] == COMMIT and not any(t.startswith(("DELETE", "COPY")) for t in after)


@pytest.fixture
def buckets(monkeypatch):
    """moto's S3, with test credentials: `buckets(region, *names)` makes the buckets and gives
    a client of that region."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():

        def make(region: str, *names: str):
            s3 = boto3.client("s3", region_name=region)
            for name in names:
                s3.create_bucket(
                    Bucket=name, CreateBucketConfiguration={"LocationConstraint": region}
                )
            return s3

        yield make


def test_chosen_files_are_copied_through_a_manifest_written_to_s3(recorder, buckets):
    s3 = buckets("us-west-2", "sparkify-work")
    warehouse = build_definitions(
        Settings.from_env({**os.environ, "SPARKIFY_MANIFEST_LOCATION": "s3://sparkify-work/m"})
    ).resources["warehouse"]
    files = ["log_data/2018/11/2018-11-02-events.json", "log_data/2018/11/2018-11-01-events.json"]
    load = warehouse.process_config_and_initialize().load_staging(
        EVENTS, RawSourceResource(location="s3://udacity-dend"), files=files
    )
    assert_matches_snapshot(
        SCENARIOS / "copy_with_manifest.sql",
        render(recorder.log, like=ETL, like_step="staging_events"),
    )
    manifest_key = "m/staging_events/00000000000040008000000000000001.manifest"
    assert load.source == f"s3://sparkify-work/{manifest_key}"
    manifest = s3.get_object(Bucket="sparkify-work", Key=manifest_key)["Body"].read()
    assert b'"url": "s3://udacity-dend/log_data/2018/11/2018-11-01-events.json"' in manifest
    assert manifest.count(b'"mandatory": true') == 2
    copy = recorder.copy_statement()
    assert f"FROM 's3://sparkify-work/{manifest_key}'" in copy and copy.rstrip().endswith(
        "MANIFEST"
    )


def test_a_manifest_bucket_outside_the_copys_region_is_refused_before_anything_is_written(
    recorder, buckets
):
    # "If the REGION parameter is specified, all resources, including a manifest file or
    # multiple Amazon S3 buckets, must be located in the specified Region."
    # (https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html)
    s3 = buckets("eu-west-1", "work-in-ireland")
    warehouse = build_definitions(
        Settings.from_env({**os.environ, "SPARKIFY_MANIFEST_LOCATION": "s3://work-in-ireland/m"})
    ).resources["warehouse"]
    with pytest.raises(
        SourceError, match="is a bucket in eu-west-1, but the COPY reads with REGION 'us-west-2'"
    ):
        warehouse.process_config_and_initialize().load_staging(
            EVENTS,
            RawSourceResource(location="s3://udacity-dend"),
            files=["log_data/2018/11/2018-11-01-events.json"],
        )
    assert "Contents" not in s3.list_objects_v2(Bucket="work-in-ireland")
    assert not any(
        t.lstrip().startswith("COPY") for t in map(without_comments, recorder.statements())
    )


def test_chosen_files_on_redshift_without_a_manifest_location_are_a_clear_error(recorder):
    warehouse = build_definitions(Settings.from_env(os.environ)).resources["warehouse"]
    with pytest.raises(SourceError, match="SPARKIFY_MANIFEST_LOCATION"):
        warehouse.process_config_and_initialize().load_staging(
            EVENTS, RawSourceResource(location="s3://udacity-dend"), files=["log_data/a.json"]
        )


def test_chosen_files_must_belong_to_the_table(recorder):
    warehouse = build_definitions(Settings.from_env(os.environ)).resources["warehouse"]
    with pytest.raises(SourceError, match="not a file under log_data/"):
        warehouse.process_config_and_initialize().load_staging(
            EVENTS, RawSourceResource(location="s3://udacity-dend"), files=["song_data/A/x.json"]
        )


def test_one_day_on_redshift_copies_the_days_files_by_prefix_and_replaces_that_day(recorder):
    recorder.rows_of_no_day = 2  # a neighbouring day's events in the file: set aside
    job = build_definitions(Settings.from_env(os.environ)).resolve_job_def("sparkify_daily")
    assert job.execute_in_process(partition_key="2018-11-05").success
    # every step of the daily job, for one day whose file holds a neighbouring day's events
    assert_matches_snapshot(
        REDSHIFT_SNAPSHOTS / "sparkify_daily.sql", render(recorder.log, like=ETL)
    )
    copy = recorder.copy_statement("staging_events")
    assert copy.startswith('COPY "staging_events_incoming"')
    assert "FROM 's3://udacity-dend/log_data/2018/11/2018-11-05-events.json'" in copy
    statements = list(map(without_comments, recorder.statements("staging_events")))
    assert 'DELETE FROM "staging_events" WHERE "ts" >= 1541376000000 AND "ts" < 1541462400000' in (
        statements
    )


def test_a_range_of_days_on_redshift_is_one_copy_of_a_manifest_of_those_days_files(
    recorder, buckets
):
    s3 = buckets("us-west-2", "udacity-dend", "sparkify-work")
    for day in range(1, 6):
        s3.put_object(
            Bucket="udacity-dend", Key=f"log_data/2018/11/2018-11-0{day}-events.json", Body=b"{}"
        )
    warehouse = build_definitions(
        Settings.from_env({**os.environ, "SPARKIFY_MANIFEST_LOCATION": "s3://sparkify-work/m"})
    ).resources["warehouse"]
    load = warehouse.process_config_and_initialize().load_staging(
        EVENTS,
        RawSourceResource(location="s3://udacity-dend"),
        days=Days(date(2018, 11, 2), date(2018, 11, 4)),
    )
    manifest = json.loads(
        s3.get_object(Bucket="sparkify-work", Key=load.source.removeprefix("s3://sparkify-work/"))[
            "Body"
        ].read()
    )
    assert [entry["url"][-22:] for entry in manifest["entries"]] == [
        "2018-11-02-events.json",
        "2018-11-03-events.json",
        "2018-11-04-events.json",
    ]
    copies = [t for t in map(without_comments, recorder.statements()) if t.startswith("COPY")]
    assert len(copies) == 1 and copies[0].rstrip().endswith("MANIFEST")
