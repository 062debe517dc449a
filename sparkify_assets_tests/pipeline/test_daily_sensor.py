"""The sensor of new log files: it notes what is there, then asks for the days whose files are
new or changed (consecutive days in one run; a day once it is a partition), and only those days
change; several days loaded at once by separate runs all succeed. The sensors and the schedule
are off until switched on."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from dagster import build_sensor_context

from sparkify_assets.config.settings import Settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import STAGING_TABLES, STAR_TABLES
from sparkify_assets.pipeline.tags import RANGE_END, RANGE_START
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.source import RawSourceResource
from sparkify_assets_tests.conftest import RawFiles
from sparkify_assets_tests.support.daily_runs import DAYS, FIRST, contents, files_loaded, run_days
from sparkify_assets_tests.support.rawdata import event, log_files

EVENTS, SONGS = STAGING_TABLES


def load_catalogue(warehouse: WarehouseResource, source: Path | RawSourceResource) -> None:
    """The song catalogue, for tests that load days through the warehouse resource alone (a
    daily run loads it itself)."""
    if isinstance(source, Path):
        source = RawSourceResource(location=str(source))
    warehouse.load_staging(SONGS, source)
    for table in STAR_TABLES:
        if table.name in ("songs", "artists"):
            warehouse.rebuild(table)


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


def rewrite(six_days: Path, day: date, keep_events: int | None = None) -> None:
    """Rewrite a day's file (keeping its first events), later than anything seen so far."""
    path = next((six_days / "log_data").rglob(f"{day.isoformat()}-events.json"))
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[: keep_events or len(lines)]) + "\n")
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))


def test_the_sensor_notes_what_is_there_then_asks_for_changed_days_and_only_they_change(
    six_days: Path, settings, warehouse: WarehouseResource
):
    watched = settings(SPARKIFY_SOURCE=str(six_days))
    baseline = tick(watched, None)
    assert baseline.run_requests == [] and "baseline: 6 log files" in baseline.skip_message
    assert build_definitions(watched).resolve_job_def("sparkify_etl").execute_in_process().success
    assert tick(watched, baseline.cursor).run_requests == []

    before = {table: contents(warehouse, table) for table in ("staging_events", "songplays")}
    changed_day = FIRST + timedelta(days=2)
    events = len(before["staging_events"]) // DAYS
    rewrite(six_days, changed_day, keep_events=events // 2)  # half the day's events withdrawn

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


def test_the_sensor_asks_for_consecutive_changed_days_in_one_run(six_days: Path, settings):
    watched = settings(SPARKIFY_SOURCE=str(six_days))
    baseline = tick(watched, None)
    for n in (1, 2, 4):
        rewrite(six_days, FIRST + timedelta(days=n))
    assert requested(tick(watched, baseline.cursor)) == [
        ("2018-11-02", "2018-11-03"),
        ("2018-11-05", "2018-11-05"),
    ]


def test_a_file_that_comes_before_its_day_is_a_partition_is_asked_for_once_it_is(
    six_days: Path, settings
):
    early = settings(SPARKIFY_SOURCE=str(six_days), SPARKIFY_LAST_DAY="2018-11-04")
    baseline = tick(early, None)
    rewrite(six_days, date(2018, 11, 6))  # today's file, say: 2018-11-06 is no partition yet
    waiting = tick(early, baseline.cursor)
    assert waiting.run_requests == []
    later = settings(SPARKIFY_SOURCE=str(six_days), SPARKIFY_LAST_DAY="2018-11-06")
    assert requested(tick(later, waiting.cursor)) == [("2018-11-06", "2018-11-06")]


def test_the_sensors_and_the_schedule_are_off_until_switched_on(six_days: Path, settings):
    defs = build_definitions(settings(SPARKIFY_SOURCE=str(six_days)))
    assert {sensor.name: sensor.default_status.value for sensor in defs.sensors} == {
        "new_log_files": "STOPPED",
        "freshness_checks_sensor": "STOPPED",
        "run_failure_alerts": "STOPPED",  # with no SPARKIFY_ALERT_* destination
        "blocking_check_alerts": "STOPPED",
    }
    [schedule] = defs.schedules
    assert (schedule.name, schedule.default_status.value) == ("daily_load", "STOPPED")


def test_days_loaded_at_the_same_time_by_separate_runs_all_succeed(
    six_days: Path, warehouse: WarehouseResource
):
    """What the sensor does when several day files arrive together: runs at once, each taking
    its tables in turn, none failing on another's locks, index or function."""
    from concurrent.futures import ThreadPoolExecutor

    source = RawSourceResource(location=str(six_days))
    load_catalogue(warehouse, six_days)
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
    six_days: Path, settings, warehouse
):
    run_days(settings(SPARKIFY_SOURCE=str(six_days)), FIRST)
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
