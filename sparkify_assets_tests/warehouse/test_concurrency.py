"""Runs at the same time on one schema: none fails because another is creating the same schema,
table or function, and none leaves a row twice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sparkify_assets.definitions import build_definitions
from sparkify_assets.model.tables import STAGING_TABLES, STAR_TABLES
from sparkify_assets.sample.generate import GroundTruth
from sparkify_assets.warehouse.embedded import embedded_postgres_dsn, stop_embedded_postgres
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets_tests.conftest import RawFiles
from sparkify_assets_tests.support.rawdata import event, log_files, song, song_files

EVENTS, SONGS = STAGING_TABLES
AT_ONCE = 8


def all_at_once(work: Callable[[int], Any], count: int = AT_ONCE) -> tuple[list[Any], list[str]]:
    """Run work(0..count-1) in threads released together; their results and failures."""
    barrier = threading.Barrier(count)
    results: list[Any] = []
    failures: list[str] = []

    def run(number: int) -> None:
        barrier.wait()
        try:
            results.append(work(number))
        except BaseException as error:
            failures.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a run never finished"
    return results, failures


def rows(warehouse: WarehouseResource, query: str) -> list[tuple]:
    with warehouse.session() as session:
        session.cursor.execute(query)
        return session.cursor.fetchall()


def duplicated_keys(warehouse: WarehouseResource) -> dict[str, int]:
    return {
        table.name: rows(
            warehouse, f"SELECT COUNT(*) - COUNT(DISTINCT {table.key}) FROM {table.name}"
        )[0][0]
        for table in STAR_TABLES
    }


@pytest.mark.warehouse  # starts an embedded PostgreSQL of its own
def test_eight_first_starts_of_the_embedded_server_at_once_all_get_the_one_server(
    tmp_path: Path,
):
    home = tmp_path / "home"
    try:
        addresses, failures = all_at_once(lambda _: embedded_postgres_dsn(home))
        assert failures == []
        assert len(set(addresses)) == 1
    finally:
        stop_embedded_postgres(home)


def test_eight_first_loads_into_a_schema_that_does_not_exist_yet_all_succeed_once(
    warehouse, raw_files: RawFiles
):
    source = raw_files(log_files(("2018-11-01", [event(itemInSession=n) for n in range(20)])))
    _, failures = all_at_once(lambda _: warehouse.load_staging(EVENTS, source))
    assert failures == []
    assert rows(warehouse, "SELECT COUNT(*) FROM staging_events") == [(20,)]
    assert rows(warehouse, "SELECT COUNT(*), COUNT(DISTINCT load_id) FROM load_history") == [
        (AT_ONCE, AT_ONCE)
    ]


def test_first_builds_of_the_star_tables_at_once_all_succeed_and_hold_each_row_once(
    warehouse, raw_files: RawFiles
):
    source = raw_files(
        {
            **log_files(("2018-11-01", [event(itemInSession=n) for n in range(20)])),
            **song_files(song()),
        }
    )
    warehouse.load_staging(EVENTS, source)
    warehouse.load_staging(SONGS, source)
    built_from_staging = [table for table in STAR_TABLES if table.name != "time"]
    # Every star table and the text-repair function are created by two builds at once.
    _, failures = all_at_once(
        lambda number: warehouse.rebuild(built_from_staging[number % len(built_from_staging)])
    )
    assert failures == []
    warehouse.rebuild(STAR_TABLES[-1])  # time, from songplays
    assert rows(
        warehouse,
        "SELECT (SELECT COUNT(*) FROM songplays), (SELECT COUNT(*) FROM users), "
        "(SELECT COUNT(*) FROM songs), (SELECT COUNT(*) FROM artists)",
    ) == [(20, 1, 1, 1)]
    assert set(duplicated_keys(warehouse).values()) == {0}


@pytest.mark.slow  # two whole runs at once, then one more
def test_two_whole_runs_at_once_both_succeed_and_leave_what_one_run_leaves(
    sample: tuple[Any, GroundTruth], settings, warehouse
):
    location, truth = sample
    job_settings = settings(SPARKIFY_SOURCE=str(location))
    results, failures = all_at_once(
        lambda _: (
            build_definitions(job_settings)
            .resolve_job_def("sparkify_etl")
            .execute_in_process(raise_on_error=False)
        ),
        count=2,
    )
    assert failures == []
    assert [result.success for result in results] == [True, True]
    expected = {
        "staging_events": truth.events,
        "staging_songs": truth.song_files,
        "songplays": truth.nextsong_plays,
        "users": truth.users,
        "songs": truth.songs,
        "artists": truth.artists,
        "time": truth.distinct_start_times,
    }
    assert {
        table: rows(warehouse, f"SELECT COUNT(*) FROM {table}")[0][0] for table in expected
    } == expected
    assert set(duplicated_keys(warehouse).values()) == {0}
    assert rows(warehouse, "SELECT COUNT(song_id) FROM songplays") == [(truth.matched_plays,)]
