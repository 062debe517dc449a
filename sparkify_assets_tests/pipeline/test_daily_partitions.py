"""Daily partitions: a day's load replaces exactly that day's rows, so days loaded in any order,
again and again, or as ranges, end equal to one load of everything. (The sensor that asks for
changed days: test_daily_sensor.py; which days are partitions: test_partition_days.py.)"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import ANALYTICS_TABLES, STAGING_TABLES, STAR_TABLES
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.source import RawSourceResource, SourceError
from sparkify_assets_tests.conftest import RawFiles
from sparkify_assets_tests.support.daily_runs import DAYS, FIRST, contents, files_loaded, run_days
from sparkify_assets_tests.support.rawdata import event, log_files, song, song_files

EVENTS, SONGS = STAGING_TABLES
# What a daily run rebuilds: the days' rows of the daily tables and the other tables whole.
DAILY_TABLES = tuple(table.name for table in (*STAGING_TABLES, *STAR_TABLES, *ANALYTICS_TABLES))


@pytest.mark.slow  # a whole run, then twelve days and a range one run each
def test_days_loaded_in_any_order_again_and_as_ranges_equal_one_load_of_everything(
    six_days: Path, settings, warehouse: WarehouseResource, postgres_home: Path
):
    everything = settings(SPARKIFY_SOURCE=str(six_days))
    result = build_definitions(everything).resolve_job_def("sparkify_etl").execute_in_process()
    assert result.success
    expected = {table: contents(warehouse, table) for table in DAILY_TABLES}
    assert all(expected.values())

    other_schema = f"{warehouse.schema_name}_daily"
    daily_warehouse = warehouse.model_copy(update={"schema_name": other_schema})
    day_by_day = settings(SPARKIFY_SOURCE=str(six_days), SPARKIFY_SCHEMA=other_schema)
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


def test_a_range_of_days_is_one_run_with_one_load(six_days: Path, settings, warehouse):
    day_by_day = settings(SPARKIFY_SOURCE=str(six_days))
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
    six_days: Path, warehouse
):
    """A day's build of users changes only the users that day touches, yet ends where a build
    from every staged event ends: newer days before older, and days loaded again."""
    source = RawSourceResource(location=str(six_days))
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


def test_a_users_table_of_an_earlier_version_is_made_anew_with_every_user(
    six_days: Path, warehouse
):
    source = RawSourceResource(location=str(six_days))
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
