"""Daily partitions: a day's load replaces exactly that day's rows, so days loaded in any order,
again and again, or as ranges, end equal to one load of everything; the sensor asks for the
days whose files are new or changed, and only those days change."""

from __future__ import annotations

import json
import os
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from dagster import BackfillPolicy, build_sensor_context

from sparkify_assets.config.settings import Settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import ANALYTICS_TABLES, STAGING_TABLES, STAR_TABLES
from sparkify_assets.pipeline.jobs import RANGE_END, RANGE_START
from sparkify_assets.pipeline.partitions import LIVE_FEED_DAYS, partition_days
from sparkify_assets.sample.generate import generate
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.source import RawSourceResource, SourceError
from sparkify_assets_tests.conftest import RawFiles
from sparkify_assets_tests.support.rawdata import event, log_files, song, song_files

EVENTS, SONGS = STAGING_TABLES
FIRST = date(2018, 11, 1)
DAYS = 6
# What a daily run rebuilds: the days' rows of the daily tables and the other tables whole.
DAILY_TABLES = tuple(table.name for table in (*STAGING_TABLES, *STAR_TABLES, *ANALYTICS_TABLES))


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    out = tmp_path / "sample"
    generate(out, users=30, songs=80, days=DAYS, seed=7)
    return out


def contents(warehouse: WarehouseResource, table: str) -> list[tuple]:
    with warehouse.session() as session:
        session.cursor.execute(f"SELECT * FROM {table}")
        return sorted(session.cursor.fetchall(), key=repr)


def run_days(settings: Settings, first: date, last: date | None = None):
    """One day as the sensor and the schedule ask for it (a partition key); a range as a
    backfill runs it (a key range, in one run)."""
    job = build_definitions(settings).resolve_job_def("sparkify_daily")
    if last is None:
        result = job.execute_in_process(partition_key=first.isoformat(), raise_on_error=False)
    else:
        tags = {RANGE_START: first.isoformat(), RANGE_END: last.isoformat()}
        result = job.execute_in_process(tags=tags, raise_on_error=False)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return result


def files_loaded(result) -> int:
    [load] = [
        event.materialization
        for event in result.all_events
        if event.is_step_materialization and event.asset_key.to_user_string() == "staging_events"
    ]
    return load.metadata["files"].value


def load_catalogue(warehouse: WarehouseResource, source: Path | RawSourceResource) -> None:
    """The song catalogue, for tests that load days through the warehouse resource alone (a
    daily run loads it itself)."""
    if isinstance(source, Path):
        source = RawSourceResource(location=str(source))
    warehouse.load_staging(SONGS, source)
    for table in STAR_TABLES:
        if table.name in ("songs", "artists"):
            warehouse.rebuild(table)


def test_days_loaded_in_any_order_again_and_as_ranges_equal_one_load_of_everything(
    sample: Path, settings, warehouse: WarehouseResource, postgres_home: Path
):
    everything = settings(SPARKIFY_SOURCE=str(sample))
    result = build_definitions(everything).resolve_job_def("sparkify_etl").execute_in_process()
    assert result.success
    expected = {table: contents(warehouse, table) for table in DAILY_TABLES}
    assert all(expected.values())

    other_schema = f"{warehouse.schema_name}_daily"
    daily_warehouse = warehouse.model_copy(update={"schema_name": other_schema})
    day_by_day = settings(SPARKIFY_SOURCE=str(sample), SPARKIFY_SCHEMA=other_schema)
    try:
        order = [FIRST + timedelta(days=n) for n in range(DAYS)] * 2
        random.Random(3).shuffle(order)
        for day in order:
            assert files_loaded(run_days(day_by_day, day)) == 1
        run_days(day_by_day, FIRST + timedelta(days=1), FIRST + timedelta(days=4))
        for table in DAILY_TABLES:
            assert contents(daily_warehouse, table) == expected[table], table
    finally:
        with daily_warehouse.session() as session:
            session.execute("common/drop_schema", schema=other_schema)


def test_a_range_of_days_is_one_run_with_one_load(sample: Path, settings, warehouse):
    day_by_day = settings(SPARKIFY_SOURCE=str(sample))
    result = run_days(day_by_day, FIRST, FIRST + timedelta(days=DAYS - 1))
    loads = [
        event
        for event in result.all_events
        if event.is_step_materialization and event.asset_key.to_user_string() == "staging_events"
    ]
    *days, last = (event.materialization.metadata for event in loads)
    assert len(loads) == DAYS and not any("load_id" in day for day in days)
    assert last["load_id"].value  # the one load, recorded on the run's last day
    with warehouse.session() as session:
        session.cursor.execute("SELECT tbl_name, COUNT(*) FROM load_history GROUP BY tbl_name")
        assert dict(session.cursor.fetchall()) == {"staging_events": 1, "staging_songs": 1}


def test_an_older_day_loaded_after_a_newer_one_keeps_each_users_latest_level(
    settings, warehouse, raw_files: RawFiles, tmp_path: Path
):
    day1, day2 = 1541030400000, 1541116800000  # 2018-11-01 and 2018-11-02, 00:00 UTC
    source = raw_files(
        {
            **log_files(
                ("2018-11-01", [event(userId="7", level="free", sessionId=1, ts=day1 + 5)]),
                ("2018-11-02", [event(userId="7", level="paid", sessionId=2, ts=day2 + 5)]),
            ),
            **song_files(song()),
        }
    )
    day_by_day = settings(SPARKIFY_SOURCE=source.location)
    run_days(day_by_day, date(2018, 11, 2))
    run_days(day_by_day, date(2018, 11, 1))
    assert contents(warehouse, "users")[0][4] == "paid"  # level


USERS = next(table for table in STAR_TABLES if table.name == "users")


def test_users_refreshed_a_day_at_a_time_in_any_order_equal_users_built_from_every_day(
    sample: Path, warehouse
):
    """A day's build of users changes only the users that day touches, yet ends where a build
    from every staged event ends: newer days before older, and days loaded again."""
    source = RawSourceResource(location=str(sample))
    for offset in (2, 0, 3, 1, 3, 0, 5, 4):
        days = Days(FIRST + timedelta(days=offset), FIRST + timedelta(days=offset))
        warehouse.load_staging(EVENTS, source, days=days)
        warehouse.rebuild(USERS, days)
        refreshed = contents(warehouse, "users")
        warehouse.rebuild(USERS)
        assert refreshed == contents(warehouse, "users"), days


def test_a_day_loaded_again_without_a_users_latest_event_takes_the_user_from_an_earlier_day(
    warehouse, raw_files: RawFiles
):
    day1, day2 = 1541030400000, 1541116800000  # 2018-11-01 and 2018-11-02, 00:00 UTC
    first, second = (
        Days(date(2018, 11, 1), date(2018, 11, 1)),
        Days(date(2018, 11, 2), date(2018, 11, 2)),
    )
    files = log_files(
        ("2018-11-01", [event(userId="7", level="free", sessionId=1, ts=day1 + 5)]),
        (
            "2018-11-02",
            [
                event(userId="7", level="paid", sessionId=2, ts=day2 + 5),
                event(userId="8", level="paid", sessionId=3, ts=day2 + 9),
            ],
        ),
    )
    source = raw_files(files)
    for days in (first, second):
        warehouse.load_staging(EVENTS, source, days=days)
        warehouse.rebuild(USERS, days)
    assert [(row[0], row[4]) for row in contents(warehouse, "users")] == [(7, "paid"), (8, "paid")]

    day2_file = next(key for key in files if "2018-11-02" in key)
    (Path(source.location) / day2_file).write_text(
        json.dumps(event(userId="9", level="free", sessionId=4, ts=day2 + 1)) + "\n"
    )
    warehouse.load_staging(EVENTS, source, days=second)
    warehouse.rebuild(USERS, second)
    # 7's latest event is now day 1's; 8 has no event left; 9 is new
    assert [(row[0], row[4]) for row in contents(warehouse, "users")] == [(7, "free"), (9, "free")]


def test_a_users_table_of_an_earlier_version_is_made_anew_with_every_user(sample: Path, warehouse):
    source = RawSourceResource(location=str(sample))
    warehouse.load_staging(EVENTS, source)
    warehouse.rebuild(USERS)
    expected = contents(warehouse, "users")
    with warehouse.session() as session:  # users as issue 14 left it: no last_event_at
        session.cursor.execute("ALTER TABLE users DROP COLUMN last_event_at")
        session.cursor.execute("DELETE FROM users")
    warehouse.rebuild(USERS, Days(FIRST, FIRST))
    assert contents(warehouse, "users") == expected


def test_a_day_replaces_only_its_own_rows_and_sets_aside_events_of_other_days(
    warehouse: WarehouseResource, raw_files: RawFiles
):
    day1, day2 = 1541030400000, 1541116800000
    source = raw_files(
        log_files(
            ("2018-11-01", [event(itemInSession=n, ts=day1 + n) for n in range(3)]),
            ("2018-11-02", [event(itemInSession=n, ts=day2 + n) for n in range(2)]),
        )
    )
    both = Days(date(2018, 11, 1), date(2018, 11, 2))
    warehouse.load_staging(EVENTS, source, days=both)
    stray = json.dumps(event(itemInSession=9, ts=day2 + 9))  # logged with the wrong day
    (Path(source.location) / "log_data/2018/11/2018-11-01-events.json").write_text(
        "\n".join(json.dumps(event(itemInSession=n, ts=day1 + n)) for n in range(4)) + "\n" + stray
    )
    load = warehouse.load_staging(EVENTS, source, days=Days(date(2018, 11, 1), date(2018, 11, 1)))
    assert (load.result.records_read, load.result.rows_loaded, load.result.set_aside) == (5, 4, 1)
    with warehouse.session() as session:
        session.cursor.execute("SELECT ts - %s FROM staging_events ORDER BY ts", (day1,))
        assert [ts for (ts,) in session.cursor.fetchall()] == [0, 1, 2, 3, 86400000, 86400001]
        session.cursor.execute("SELECT raw_field_value, err_code, err_reason FROM load_errors")
        [(value, code, reason)] = session.cursor.fetchall()
    assert (value, code) == (str(day2 + 9), 9001)
    assert reason == "ts is outside the days loaded (2018-11-01)"


def test_a_day_without_a_log_file_is_a_clear_error_and_changes_nothing(
    warehouse: WarehouseResource, raw_files: RawFiles
):
    source = raw_files(log_files(("2018-11-01", [event()])))
    warehouse.load_staging(EVENTS, source, days=Days(date(2018, 11, 1), date(2018, 11, 1)))
    with pytest.raises(SourceError, match="2018-11-05"):
        warehouse.load_staging(EVENTS, source, days=Days(date(2018, 11, 5), date(2018, 11, 5)))
    assert len(contents(warehouse, "staging_events")) == 1


def test_a_log_file_without_a_day_in_its_name_is_refused_by_a_daily_load(
    warehouse: WarehouseResource, raw_files: RawFiles
):
    source = raw_files({**log_files(("2018-11-01", [event()])), "log_data/extra.json": "{}"})
    with pytest.raises(SourceError, match=r"log_data/extra\.json: a daily load"):
        warehouse.load_staging(EVENTS, source, days=Days(date(2018, 11, 1), date(2018, 11, 2)))


# --- the sensor -------------------------------------------------------------------------------


def of_day(table: str, row: tuple, day: Days) -> bool:
    if table == "staging_events":  # ts, epoch milliseconds, is the 16th column
        return row[15] is not None and day.start_ms <= row[15] < day.end_ms
    return day.start <= row[1] < day.end  # songplays.start_time


def tick(settings: Settings, cursor: str | None):
    defs = build_definitions(settings)
    sensor = defs.resolve_sensor_def("new_log_files")
    with build_sensor_context(
        cursor=cursor, resources={"source": defs.resources["source"]}, definitions=defs
    ) as context:
        return sensor.evaluate_tick(context)


def requested(data) -> list[tuple[str, str]]:
    return [(r.tags[RANGE_START], r.tags[RANGE_END]) for r in data.run_requests]


def rewrite(sample: Path, day: date, keep_events: int | None = None) -> None:
    """Rewrite a day's file (keeping its first events), later than anything seen so far."""
    path = next((sample / "log_data").rglob(f"{day.isoformat()}-events.json"))
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[: keep_events or len(lines)]) + "\n")
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))


def test_the_sensor_notes_what_is_there_then_asks_for_changed_days_and_only_they_change(
    sample: Path, settings, warehouse: WarehouseResource
):
    watched = settings(SPARKIFY_SOURCE=str(sample))
    baseline = tick(watched, None)
    assert baseline.run_requests == [] and "baseline: 6 log files" in baseline.skip_message
    assert build_definitions(watched).resolve_job_def("sparkify_etl").execute_in_process().success
    assert tick(watched, baseline.cursor).run_requests == []

    before = {table: contents(warehouse, table) for table in ("staging_events", "songplays")}
    changed_day = FIRST + timedelta(days=2)
    events = len(before["staging_events"]) // DAYS
    rewrite(sample, changed_day, keep_events=events // 2)  # half the day's events withdrawn

    second = tick(watched, baseline.cursor)
    assert requested(second) == [(changed_day.isoformat(), changed_day.isoformat())]
    assert files_loaded(run_days(watched, changed_day)) == 1
    assert tick(watched, second.cursor).run_requests == []

    day = Days(changed_day, changed_day)
    for table in before:
        after = contents(warehouse, table)
        assert [r for r in after if not of_day(table, r, day)] == [
            r for r in before[table] if not of_day(table, r, day)
        ], f"{table}: a row of another day changed"
        assert len([r for r in after if of_day(table, r, day)]) < len(
            [r for r in before[table] if of_day(table, r, day)]
        ), f"{table}: the changed day was not reloaded"


def test_the_sensor_asks_for_consecutive_changed_days_in_one_run(sample: Path, settings):
    watched = settings(SPARKIFY_SOURCE=str(sample))
    baseline = tick(watched, None)
    for n in (1, 2, 4):
        rewrite(sample, FIRST + timedelta(days=n))
    assert requested(tick(watched, baseline.cursor)) == [
        ("2018-11-02", "2018-11-03"),
        ("2018-11-05", "2018-11-05"),
    ]


def test_a_file_that_comes_before_its_day_is_a_partition_is_asked_for_once_it_is(
    sample: Path, settings
):
    early = settings(SPARKIFY_SOURCE=str(sample), SPARKIFY_LAST_DAY="2018-11-04")
    baseline = tick(early, None)
    rewrite(sample, date(2018, 11, 6))  # today's file, say: 2018-11-06 is no partition yet
    waiting = tick(early, baseline.cursor)
    assert waiting.run_requests == []
    later = settings(SPARKIFY_SOURCE=str(sample), SPARKIFY_LAST_DAY="2018-11-06")
    assert requested(tick(later, waiting.cursor)) == [("2018-11-06", "2018-11-06")]


def test_the_sensors_and_the_schedule_are_off_until_switched_on(sample: Path, settings):
    defs = build_definitions(settings(SPARKIFY_SOURCE=str(sample)))
    assert {sensor.name: sensor.default_status.value for sensor in defs.sensors} == {
        "new_log_files": "STOPPED",
        "freshness_checks_sensor": "STOPPED",
        "run_failure_alerts": "STOPPED",  # with no SPARKIFY_ALERT_* destination
        "blocking_check_alerts": "STOPPED",
    }
    [schedule] = defs.schedules
    assert (schedule.name, schedule.default_status.value) == ("daily_load", "STOPPED")


def test_days_loaded_at_the_same_time_by_separate_runs_all_succeed(
    sample: Path, warehouse: WarehouseResource
):
    """What the sensor does when several day files arrive together: runs at once, each taking
    its tables in turn, none failing on another's locks, index or function."""
    from concurrent.futures import ThreadPoolExecutor

    source = RawSourceResource(location=str(sample))
    load_catalogue(warehouse, sample)
    with warehouse.session() as session:  # the tables exist, as after a first sparkify_etl
        session.create(*STAGING_TABLES, *STAR_TABLES)

    def load(day: date) -> None:
        days = Days(day, day)
        warehouse.load_staging(EVENTS, source, days=days)
        for name in ("songplays", "time", "users"):
            warehouse.rebuild(next(t for t in STAR_TABLES if t.name == name), days)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(load, [FIRST + timedelta(days=n) for n in range(4)]))
    with warehouse.session() as session:
        session.cursor.execute("SELECT COUNT(DISTINCT ts / 86400000) FROM staging_events")
        assert session.cursor.fetchone() == (4,)


def test_a_day_run_first_on_an_empty_warehouse_builds_the_song_catalogue_with_it(
    sample: Path, settings, warehouse
):
    run_days(settings(SPARKIFY_SOURCE=str(sample)), FIRST)
    with warehouse.session() as session:
        for table in ("staging_songs", "songs", "artists", "songplays"):
            assert session.state(table).row_count > 0, table


def test_a_load_history_from_before_days_gets_the_day_columns(
    warehouse: WarehouseResource, raw_files: RawFiles
):
    with warehouse.session() as session:
        session.cursor.execute(
            "CREATE TABLE load_history (load_id VARCHAR(64) PRIMARY KEY, tbl_name VARCHAR(128),"
            " source VARCHAR(1024), status VARCHAR(16), started_at TIMESTAMP,"
            " finished_at TIMESTAMP, files INTEGER, records_read BIGINT, rows_loaded BIGINT,"
            " rejected BIGINT, maxerror INTEGER)"
        )
    source = raw_files(log_files(("2018-11-01", [event()])))
    warehouse.load_staging(EVENTS, source, days=Days(FIRST, FIRST))
    with warehouse.session() as session:
        session.cursor.execute("SELECT first_day, last_day FROM load_history")
        assert session.cursor.fetchall() == [(FIRST, FIRST)]


# --- which days are partitions: the data's, not the calendar's ---------------------------------


def partition_keys(settings: Settings, today: date) -> list[str]:
    job = build_definitions(settings, today=today).resolve_job_def("sparkify_etl")
    assert job.partitions_def is not None
    return job.partitions_def.get_partition_keys()


def test_the_partitions_are_the_days_with_log_files_whatever_today_is(sample: Path, settings):
    days = [(FIRST + timedelta(days=n)).isoformat() for n in range(DAYS)]
    watched = settings(SPARKIFY_SOURCE=str(sample))
    for today in (date(2026, 12, 1), date(2031, 6, 1), FIRST + timedelta(days=40)):
        assert partition_keys(watched, today) == days, today


def test_a_feed_still_arriving_keeps_an_open_end_that_follows_the_calendar():
    newest = date(2026, 11, 27)
    found = (date(2026, 1, 1), newest)
    for today in (newest + timedelta(days=1), newest + timedelta(days=LIVE_FEED_DAYS + 1)):
        assert partition_days(None, None, found, today) == (date(2026, 1, 1), None)
    stopped = newest + timedelta(days=LIVE_FEED_DAYS + 3)
    assert partition_days(None, None, found, stopped) == (date(2026, 1, 1), newest)


def test_the_first_and_last_day_settings_win_over_the_files():
    found = (date(2018, 11, 1), date(2018, 11, 30))
    today = date(2031, 6, 1)
    assert partition_days(date(2018, 11, 3), None, found, today) == (
        date(2018, 11, 3),
        date(2018, 11, 30),
    )
    assert partition_days(None, date(2018, 11, 10), found, today) == (
        date(2018, 11, 1),
        date(2018, 11, 10),
    )


def test_a_source_that_cannot_be_listed_stops_the_code_from_loading_instead_of_guessing_days(
    sample: Path, settings, monkeypatch
):
    """Guessed days would let a run of "every day" replace the tables with the guess's days."""
    missing = sample.parent / "not-there"
    with pytest.raises(SourceError, match=f"raw data directory {missing} does not exist"):
        build_definitions(settings(SPARKIFY_SOURCE=str(missing)))

    import sparkify_assets.warehouse.source as source_module

    def refused(path):  # what a folder the run's user may not read gives (root reads any)
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(source_module.os, "scandir", refused)
    with pytest.raises(SourceError, match=r"cannot list .*log_data/: .*Permission denied"):
        build_definitions(settings(SPARKIFY_SOURCE=str(sample)))


def test_a_source_that_does_not_answer_in_time_stops_the_code_from_loading(settings, monkeypatch):
    import threading

    import sparkify_assets.definitions as definitions

    never = threading.Event()
    monkeypatch.setattr(definitions, "LISTING_SECONDS", 0.5)
    monkeypatch.setattr(definitions, "days_with_log_files", lambda source: never.wait())
    with pytest.raises(SourceError, match=r"no answer listing .* in 0\.5 s"):
        build_definitions(settings(SPARKIFY_SOURCE="s3://sparkify-silent/raw"))
    never.set()


def test_a_last_day_before_the_first_day_with_a_file_is_refused_naming_both(sample: Path, settings):
    from sparkify_assets.config.settings import SettingsError

    with pytest.raises(
        SettingsError, match=r"SPARKIFY_LAST_DAY=2018-10-15 is before .* 2018-11-01"
    ):
        build_definitions(settings(SPARKIFY_SOURCE=str(sample), SPARKIFY_LAST_DAY="2018-10-15"))


def test_without_any_log_file_the_partitions_wait_open_from_yesterday(tmp_path: Path, settings):
    today = date(2026, 12, 1)
    assert partition_days(None, None, None, today) == (date(2026, 11, 30), None)
    empty = tmp_path / "empty"
    (empty / "log_data").mkdir(parents=True)
    assert partition_keys(settings(SPARKIFY_SOURCE=str(empty)), today)[0] == "2026-11-30"


def test_every_asset_shares_the_daily_partitions_so_a_backfill_of_everything_is_one_run(
    sample: Path, settings
):
    graph = build_definitions(settings(SPARKIFY_SOURCE=str(sample))).resolve_asset_graph()
    nodes = [graph.get(key) for key in graph.get_all_asset_keys()]
    assert nodes[0].partitions_def is not None
    assert {node.partitions_def for node in nodes} == {nodes[0].partitions_def}
    assert {node.backfill_policy for node in nodes} == {BackfillPolicy.single_run()}
