"""The raw files read from S3 (moto's S3 server over real HTTP): the same keys, bytes and errors
as a local directory, unsigned reads of a public bucket, a staging load straight from S3, one
client per source, and reads that survive a body cut short by the network (through a proxy that
cuts it) without ever splicing two versions of an object."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from dagster_aws.s3 import S3Resource
from moto.server import ThreadedMotoServer

from sparkify_assets.model.tables import STAGING_TABLES
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.source import READ_ATTEMPTS, RawSourceResource, SourceError
from sparkify_assets_tests.support.rawdata import JSONPATHS, event, ndjson, song
from sparkify_assets_tests.support.s3_faults import CuttingProxy, serving

EVENTS, SONGS = STAGING_TABLES
BUCKET = "sparkify-raw"
PUBLIC_BUCKET = "sparkify-public"
ROOT = "data"
REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
}

EVENTS_PER_DAY = {"2018-11-01": 2, "2018-11-02": 3, "2018-11-13": 4}
LOG_FILES = {
    f"log_data/2018/11/{day}-events.json": ndjson(
        *(event(itemInSession=n, ts=1541030400000 + n) for n in range(count))
    ).encode()
    for day, count in EVENTS_PER_DAY.items()
}
SONG_FILES = {
    f"song_data/A/B/C/TRABC{index:013d}.json": json.dumps(song(song_id=f"SO{index:016d}")).encode()
    for index in range(4)
}
DECOYS = {
    "log_data_old/x.json": ndjson(event(), event()).encode(),
    "other/log_data/2018/11/2018-11-03-events.json": ndjson(event()).encode(),
}
OUTSIDE_ROOT = {f"{ROOT}lake/log_data/2018/11/2018-11-04-events.json": ndjson(event()).encode()}
UPLOADED = {
    **LOG_FILES,
    **SONG_FILES,
    **{key: text.encode() for key, text in JSONPATHS.items()},
    **DECOYS,
}


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def source(self, location: str = f"s3://{BUCKET}/{ROOT}", **s3: object) -> RawSourceResource:
        resource = S3Resource(endpoint_url=self.endpoint_url, region_name=REGION, **s3)
        return RawSourceResource(location=location, s3=resource)


@pytest.fixture(scope="module")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 on 127.0.0.1, holding the raw layout under s3://sparkify-raw/data/ and a copy
    under a bucket whose policy lets anyone read it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint_url = f"http://{host}:{port}"
        with pytest.MonkeyPatch.context() as env:
            for name, value in FAKE_CREDENTIALS.items():
                env.setenv(name, value)
            client = boto3.client("s3", endpoint_url=endpoint_url, region_name=REGION)
            for bucket in (BUCKET, PUBLIC_BUCKET):
                client.create_bucket(Bucket=bucket)
                for key, body in UPLOADED.items():
                    client.put_object(Bucket=bucket, Key=f"{ROOT}/{key}", Body=body)
            for key, body in OUTSIDE_ROOT.items():
                client.put_object(Bucket=BUCKET, Key=key, Body=body)
            client.put_bucket_policy(
                Bucket=PUBLIC_BUCKET,
                Policy=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "PublicRead",
                                "Effect": "Allow",
                                "Principal": "*",
                                "Action": ["s3:GetObject", "s3:ListBucket"],
                                "Resource": [
                                    f"arn:aws:s3:::{PUBLIC_BUCKET}",
                                    f"arn:aws:s3:::{PUBLIC_BUCKET}/*",
                                ],
                            }
                        ],
                    }
                ),
            )
        yield S3Server(endpoint_url)
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Signed reads use fake keys from the environment, and never any file of real ones."""
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.parametrize("location", [f"s3://{BUCKET}/{ROOT}", f"s3://{BUCKET}/{ROOT}/"])
def test_listing_gives_exactly_the_keys_under_the_prefix_relative_to_the_root_sorted(
    s3_server: S3Server, location: str
):
    source = s3_server.source(location)
    assert source.is_s3
    expected = sorted(LOG_FILES)
    assert source.list_keys("log_data/") == expected
    assert source.list_keys("song_data/") == sorted(SONG_FILES)


def test_a_key_is_addressed_as_an_s3_uri_under_the_root(s3_server: S3Server):
    source = s3_server.source(f"s3://{BUCKET}/{ROOT}/")
    key = next(iter(LOG_FILES))
    assert source.uri(key) == f"s3://{BUCKET}/{ROOT}/{key}"
    assert source.uri("log_data/") == f"s3://{BUCKET}/{ROOT}/log_data/"


def test_open_streams_the_bytes_of_the_object(s3_server: S3Server):
    source = s3_server.source()
    for key in [*LOG_FILES, *SONG_FILES]:
        with source.open(key) as handle:
            pieces = list(iter(lambda handle=handle: handle.read(7), b""))
        assert len(pieces) > 1
        assert b"".join(pieces) == UPLOADED[key]


def test_read_gives_the_whole_object(s3_server: S3Server):
    assert s3_server.source().read("log_json_path.json") == JSONPATHS["log_json_path.json"].encode()


def test_reading_a_missing_key_is_a_source_error_naming_its_s3_uri(s3_server: S3Server):
    source = s3_server.source()
    with pytest.raises(SourceError) as failure:
        source.read("log_data/2018/11/missing.json")
    assert f"s3://{BUCKET}/{ROOT}/log_data/2018/11/missing.json" in str(failure.value)


def test_a_bucket_that_does_not_exist_is_a_source_error_naming_it(s3_server: S3Server):
    with pytest.raises(SourceError, match="cannot list s3://no-such-bucket/data/log_data/"):
        s3_server.source("s3://no-such-bucket/data").list_keys("log_data/")


@pytest.mark.parametrize("prefix", ["nothing/", "log_data/2019/"])
def test_a_prefix_with_no_objects_is_a_source_error_saying_there_are_no_files(
    s3_server: S3Server, prefix: str
):
    with pytest.raises(SourceError) as failure:
        s3_server.source().list_keys(prefix)
    assert f"no files under s3://{BUCKET}/{ROOT}/{prefix}" in str(failure.value)


def test_a_public_bucket_can_be_listed_and_read_without_any_credentials(
    s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
):
    for name in FAKE_CREDENTIALS:
        monkeypatch.delenv(name)
    assert boto3.session.Session().get_credentials() is None  # nothing could sign a request
    source = s3_server.source(f"s3://{PUBLIC_BUCKET}/{ROOT}", use_unsigned_session=True)
    assert source.list_keys("log_data/") == sorted(LOG_FILES)
    key = sorted(SONG_FILES)[0]
    assert source.read(key) == SONG_FILES[key]


def _row_count(warehouse: WarehouseResource, table: str) -> int:
    with warehouse.session() as session:
        return session.state(table).row_count


def test_staging_loads_from_s3_load_every_record_under_each_prefix_and_nothing_else(
    s3_server: S3Server, warehouse: WarehouseResource
):
    source = s3_server.source()
    events = warehouse.load_staging(EVENTS, source)
    songs = warehouse.load_staging(SONGS, source)

    assert events.source == f"s3://{BUCKET}/{ROOT}/log_data/"
    assert events.result.files == len(LOG_FILES)
    assert events.result.rejected == 0
    assert _row_count(warehouse, "staging_events") == sum(EVENTS_PER_DAY.values())
    assert songs.result.rejected == 0
    assert _row_count(warehouse, "staging_songs") == len(SONG_FILES)
    with warehouse.session() as session:
        session.cursor.execute("SELECT song_id FROM staging_songs ORDER BY song_id")
        loaded_ids = [row[0] for row in session.cursor.fetchall()]
    assert loaded_ids == sorted(json.loads(body)["song_id"] for body in SONG_FILES.values())


def test_the_sensor_finds_new_and_rewritten_day_files_in_s3_through_get_objects(
    s3_server: S3Server, settings
):
    from dagster import build_sensor_context

    from sparkify_assets.definitions import build_definitions
    from sparkify_assets.pipeline.tags import RANGE_END, RANGE_START

    client = boto3.client("s3", endpoint_url=s3_server.endpoint_url, region_name=REGION)
    client.create_bucket(Bucket="sparkify-sensor")

    # A live feed (no last day) of recent days: its range ends yesterday, whatever the date.
    day1, day2, day3 = (str(datetime.now(UTC).date() - timedelta(days=n)) for n in (5, 4, 3))

    def put(day: str, events: int) -> None:
        body = ndjson(*(event(itemInSession=n) for n in range(events))).encode()
        key = f"raw/log_data/{day[:4]}/{day[5:7]}/{day}-events.json"
        client.put_object(Bucket="sparkify-sensor", Key=key, Body=body)

    defs = build_definitions(
        settings(
            SPARKIFY_SOURCE="s3://sparkify-sensor/raw",
            SPARKIFY_S3_ENDPOINT_URL=s3_server.endpoint_url,
            SPARKIFY_FIRST_DAY=day1,  # a feed starting that day: an open end
        )
    )
    sensor = defs.resolve_sensor_def("new_log_files")

    def tick(cursor: str | None):
        with build_sensor_context(
            cursor=cursor, resources={"source": defs.resources["source"]}, definitions=defs
        ) as context:
            return sensor.evaluate_tick(context)

    put(day1, 2)
    first = tick(None)  # the baseline
    assert first.run_requests == [] and "baseline: 1 log files" in first.skip_message
    put(day2, 3)
    second = tick(first.cursor)
    assert [r.tags[RANGE_START] for r in second.run_requests] == [day2]
    assert tick(second.cursor).run_requests == []
    put(day2, 4)  # rewritten, quite possibly within the same second
    put(day3, 1)
    third = tick(second.cursor)
    assert [(r.tags[RANGE_START], r.tags[RANGE_END]) for r in third.run_requests] == [(day2, day3)]
    assert tick(third.cursor).run_requests == []


def _staged_rows(warehouse: WarehouseResource, table: str) -> list[tuple]:
    with warehouse.session() as session:
        session.cursor.execute(f"SELECT * FROM {table}")
        return sorted(session.cursor.fetchall(), key=repr)


def _new_bucket(s3_server: S3Server, bucket: str, files: dict[str, bytes]) -> None:
    """A bucket holding `files` under ROOT/, put by a few threads."""
    client = boto3.client("s3", endpoint_url=s3_server.endpoint_url, region_name=REGION)
    client.create_bucket(Bucket=bucket)

    def put(item: tuple[str, bytes]) -> None:
        client.put_object(Bucket=bucket, Key=f"{ROOT}/{item[0]}", Body=item[1])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, files.items()))


@pytest.fixture
def cutting_proxy(s3_server: S3Server) -> Iterator[tuple[CuttingProxy, S3Server]]:
    """The proxy, and S3 as seen through it."""
    proxy = CuttingProxy(s3_server.endpoint_url)
    with serving(proxy) as endpoint_url:
        yield proxy, S3Server(endpoint_url)


def test_one_s3_client_serves_every_listing_and_read_of_a_source_not_one_per_file(
    s3_server: S3Server, warehouse: WarehouseResource, monkeypatch: pytest.MonkeyPatch
):
    built: list[object] = []
    get_client = S3Resource.get_client

    def counted(resource: S3Resource) -> object:
        built.append(get_client(resource))
        return built[-1]

    monkeypatch.setattr(S3Resource, "get_client", counted)
    source = s3_server.source()
    events = warehouse.load_staging(EVENTS, source)
    songs = warehouse.load_staging(SONGS, source)
    assert events.result.files + songs.result.files == len(LOG_FILES) + len(SONG_FILES)
    assert len(built) == 1


def test_listing_more_than_a_thousand_keys_reads_every_page(s3_server: S3Server):
    many = {f"song_data/M/TRM{index:06d}.json": b"{}" for index in range(1_005)}
    _new_bucket(s3_server, "sparkify-many", {**many, "log_data/x.json": b"{}"})
    source = s3_server.source(f"s3://sparkify-many/{ROOT}")
    pages: list[object] = []
    source.s3_client().meta.events.register(
        "before-call.s3.ListObjectsV2", lambda **kwargs: pages.append(kwargs)
    )
    assert source.list_keys("song_data/") == sorted(many)
    assert len(pages) == 2  # S3 gives at most 1,000 keys a page


@pytest.mark.parametrize("table", STAGING_TABLES, ids=lambda table: table.name)
def test_a_body_cut_short_once_is_read_again_and_the_load_equals_the_load_from_disk(
    cutting_proxy: tuple[CuttingProxy, S3Server],
    warehouse: WarehouseResource,
    raw_files,
    table,
):
    proxy, through_proxy = cutting_proxy
    proxy.cut = lambda path, nth: nth == 1  # every object's first GET
    from_s3 = warehouse.load_staging(table, through_proxy.source())
    rows_from_s3 = _staged_rows(warehouse, table.name)
    from_disk = warehouse.load_staging(table, raw_files(UPLOADED))

    assert proxy.cuts == from_s3.result.files + (table.jsonpaths is not None) > 0
    assert (from_s3.result.files, from_s3.result.rejected) == (from_disk.result.files, 0)
    assert rows_from_s3 == _staged_rows(warehouse, table.name)
    assert len(rows_from_s3) == from_disk.result.rows_loaded > 0


def test_a_body_cut_short_every_time_fails_the_load_in_one_line_naming_the_key_and_cause(
    cutting_proxy: tuple[CuttingProxy, S3Server], warehouse: WarehouseResource
):
    proxy, through_proxy = cutting_proxy
    key = sorted(SONG_FILES)[1]
    proxy.cut = lambda path, nth: path == f"{BUCKET}/{ROOT}/{key}"
    with pytest.raises(SourceError) as failure:
        warehouse.load_staging(SONGS, through_proxy.source())
    message = str(failure.value)
    assert re.fullmatch(
        rf"cannot read s3://{BUCKET}/{ROOT}/{re.escape(key)}: "
        rf"(IncompleteReadError|ResponseStreamingError): [^\n]*\d+ (bytes )?read[^\n]* "
        rf"\(after {READ_ATTEMPTS} attempts\)",
        message,
    ), message
    assert proxy.gets[f"{BUCKET}/{ROOT}/{key}"] == READ_ATTEMPTS


def test_an_object_replaced_while_it_was_read_fails_the_load_rather_than_splice_versions(
    s3_server: S3Server, cutting_proxy: tuple[CuttingProxy, S3Server], warehouse: WarehouseResource
):
    bucket = "sparkify-changing"
    _new_bucket(s3_server, bucket, SONG_FILES)
    key = sorted(SONG_FILES)[2]
    path = f"{bucket}/{ROOT}/{key}"
    newer = json.dumps(song(song_id="SOREPLACED0000000", title="A newer version")).encode()
    client = boto3.client("s3", endpoint_url=s3_server.endpoint_url, region_name=REGION)
    proxy, through_proxy = cutting_proxy
    proxy.cut = lambda cut_path, nth: cut_path == path and nth == 1
    proxy.before_cut = lambda cut_path: client.put_object(
        Bucket=bucket, Key=f"{ROOT}/{key}", Body=newer
    )
    with pytest.raises(SourceError) as failure:
        warehouse.load_staging(SONGS, through_proxy.source(f"s3://{bucket}/{ROOT}"))
    message = str(failure.value)
    assert message.startswith(f"cannot read s3://{path}: it changed while it was read")
    assert "\n" not in message
    assert proxy.gets[path] == 2  # the retry was refused (If-Match), never read
