"""How tables are rewritten on PostgreSQL, and the server they are rewritten on: rebuilds leave no
dead rows behind, so the fifth costs what the first did, and the embedded server is sized for
the machine rather than left at PostgreSQL's minimal defaults."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psutil
import psycopg2
import pytest

from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import STAGING_TABLES, STAR_TABLES
from sparkify_assets.sample.generate import generate
from sparkify_assets.warehouse.embedded import (
    MB,
    SETTINGS_FILE,
    embedded_postgres_dsn,
    machine_memory,
    server_settings,
    shared_memory_space,
    stop_embedded_postgres,
)
from sparkify_assets.warehouse.source import RawSourceResource

EVENTS, SONGS = STAGING_TABLES
STAR = {table.name: table for table in STAR_TABLES}
GB = 1024 * MB


@pytest.fixture(scope="module")
def thirty_days(tmp_path_factory: pytest.TempPathFactory) -> RawSourceResource:
    out = tmp_path_factory.mktemp("thirty")
    generate(out, users=40, songs=60, days=30, seed=5)
    return RawSourceResource(location=str(out))


def size_of(warehouse, table: str) -> int:
    with warehouse.session() as session:
        row = session.fetch_one("common/count_rows", table=table)  # the table is in use
        assert row is not None
        session.cursor.execute("SELECT pg_table_size(%s)", (table,))
        return session.cursor.fetchone()[0]


def test_a_table_rebuilt_five_times_is_the_size_it_was_after_the_first(warehouse, thirty_days):
    warehouse.load_staging(EVENTS, thirty_days)
    warehouse.load_staging(SONGS, thirty_days)
    sizes = []
    for _ in range(5):
        for table in STAR_TABLES:
            warehouse.rebuild(table)
        sizes.append({name: size_of(warehouse, name) for name in ("songplays", "users", "time")})
    assert sizes[-1] == sizes[0]


def test_a_day_rewritten_five_times_leaves_the_table_no_bigger_than_the_second_time(
    warehouse, thirty_days
):
    warehouse.load_staging(SONGS, thirty_days)
    warehouse.load_staging(EVENTS, thirty_days)
    day = Days(date(2018, 11, 3), date(2018, 11, 3))
    sizes = []
    for _ in range(5):
        warehouse.load_staging(EVENTS, thirty_days, days=day)
        warehouse.rebuild(STAR["songplays"], day)
        sizes.append(size_of(warehouse, "songplays"))
    # the first rewrite's deleted rows are vacuumed, and later rewrites reuse their space
    assert sizes[-1] <= sizes[1]


def test_the_time_table_has_one_index_on_start_time(warehouse, thirty_days):
    warehouse.load_staging(EVENTS, thirty_days)
    warehouse.load_staging(SONGS, thirty_days)
    for table in STAR_TABLES:
        warehouse.rebuild(table)
    with warehouse.session() as session:
        session.cursor.execute(
            "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = %s AND tablename = 'time'",
            (warehouse.schema_name,),
        )
        assert session.cursor.fetchone() == (1,)


@pytest.mark.parametrize(
    "memory, shared_buffers, maintenance_work_mem",
    [
        (256 * MB, "128MB", "64MB"),  # a quarter would be 64 MB: never below the default
        (2 * GB, "512MB", "64MB"),
        (24 * GB, "4096MB", "768MB"),
        (256 * GB, "4096MB", "1024MB"),  # capped
    ],
)
def test_the_servers_memory_settings_follow_the_machines_memory(
    memory, shared_buffers, maintenance_work_mem
):
    settings = server_settings(memory, shm_bytes=64 * GB)
    assert settings["shared_buffers"] == shared_buffers
    assert settings["maintenance_work_mem"] == maintenance_work_mem


def test_parallel_queries_share_memory_through_files_when_dev_shm_is_a_containers_64_mb():
    assert server_settings(24 * GB, shm_bytes=64 * MB)["dynamic_shared_memory_type"] == "mmap"
    assert server_settings(24 * GB, shm_bytes=12 * GB)["dynamic_shared_memory_type"] == "posix"


def test_the_memory_the_server_is_sized_for_is_at_most_the_machines():
    assert 0 < machine_memory() <= psutil.virtual_memory().total


def test_the_embedded_server_runs_with_the_settings_for_this_machine(warehouse):
    wanted = server_settings(machine_memory(), shared_memory_space())
    with warehouse.connection() as connection:
        cursor = connection.cursor()
        for name, value in wanted.items():
            cursor.execute("SELECT unit FROM pg_settings WHERE name = %s", (name,))
            (unit,) = cursor.fetchone()
            if unit is None or value[-2:] not in ("MB", "GB"):
                cursor.execute("SELECT current_setting(%s) = %s", (name, value))
            else:  # '4GB' is '4096MB'
                cursor.execute(
                    "SELECT pg_size_bytes(current_setting(%s)) = pg_size_bytes(%s)", (name, value)
                )
            assert cursor.fetchone() == (True,), name
        cursor.execute("SHOW fsync")
        assert cursor.fetchone() == ("on",)


@pytest.mark.warehouse  # starts an embedded PostgreSQL of its own
def test_settings_left_by_an_older_version_are_replaced_at_the_next_start(tmp_path: Path):
    home = tmp_path / "home"
    embedded_postgres_dsn(home)
    stop_embedded_postgres(home)
    (home / "pgdata" / SETTINGS_FILE).write_text("shared_buffers = '128MB'\n")
    wanted = server_settings(machine_memory(), shared_memory_space())["shared_buffers"]
    connection = psycopg2.connect(embedded_postgres_dsn(home))
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT pg_size_bytes(current_setting('shared_buffers')) = pg_size_bytes(%s)",
            (wanted,),
        )
        assert cursor.fetchone() == (True,)
    finally:
        connection.close()
        stop_embedded_postgres(home)


def analyzed(warehouse, table: str) -> int:
    with warehouse.session() as session:
        session.cursor.execute(
            "SELECT analyze_count FROM pg_stat_user_tables WHERE schemaname = %s AND relname = %s",
            (warehouse.schema_name, table),
        )
        return session.cursor.fetchone()[0]


def test_a_day_that_changes_under_a_tenth_of_a_table_leaves_its_statistics_to_autovacuum(
    warehouse, thirty_days
):
    warehouse.load_staging(SONGS, thirty_days)
    warehouse.load_staging(EVENTS, thirty_days)  # every day: analyzed
    after_whole_load = analyzed(warehouse, "staging_events")
    assert after_whole_load >= 1
    warehouse.load_staging(EVENTS, thirty_days, days=Days(date(2018, 11, 3), date(2018, 11, 3)))
    assert analyzed(warehouse, "staging_events") == after_whole_load
    warehouse.load_staging(EVENTS, thirty_days, days=Days(date(2018, 11, 4), date(2018, 11, 9)))
    assert analyzed(warehouse, "staging_events") > after_whole_load  # a fifth of it changed
