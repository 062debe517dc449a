"""The star schema's rules, each on a few hand-made events and songs in a real PostgreSQL."""

from __future__ import annotations

import os
from datetime import datetime

import psycopg2
import pytest

from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import STAGING_TABLES, STAR_TABLES
from sparkify_assets.warehouse.embedded import embedded_postgres_dsn, stop_embedded_postgres
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets_tests.conftest import RawFiles
from sparkify_assets_tests.support.rawdata import event, log_files, song, song_files

TS = 1541105830796  # 2018-11-01 20:57:10.796 UTC


def double_encode(text: str, times: int = 2) -> str:
    """The logs' damage: UTF-8 read back as Latin-1, twice over in the real data."""
    for _ in range(times):
        text = text.encode("utf-8").decode("latin-1")
    return text


def build(warehouse: WarehouseResource, raw_files: RawFiles, events: list, songs: list) -> None:
    source = raw_files({**log_files(("2018-11-01", events)), **song_files(*songs)})
    for table in STAGING_TABLES:
        warehouse.load_staging(table, source)
    for table in STAR_TABLES:
        warehouse.rebuild(table)


def rows(warehouse: WarehouseResource, query: str) -> list[tuple]:
    with warehouse.session() as session:
        session.cursor.execute(query)
        return session.cursor.fetchall()


def test_songplays_has_one_row_per_nextsong_event_with_a_user(warehouse, raw_files):
    events = [
        event(itemInSession=0),
        event(itemInSession=1, page="Home", song=None, artist=None, length=None),
        event(itemInSession=2, userId="", page="NextSong"),
        event(itemInSession=3),
    ]
    build(warehouse, raw_files, events, [song()])
    assert rows(warehouse, "SELECT COUNT(*) FROM songplays") == [(2,)]


def test_the_same_event_staged_twice_is_one_play(warehouse, raw_files):
    build(warehouse, raw_files, [event(), event(), event(itemInSession=1)], [song()])
    assert rows(warehouse, "SELECT COUNT(*) FROM songplays") == [(2,)]


def test_start_time_is_ts_as_utc_with_milliseconds_kept(warehouse, raw_files):
    build(warehouse, raw_files, [event(ts=TS)], [song()])
    assert rows(warehouse, "SELECT start_time FROM songplays") == [
        (datetime(2018, 11, 1, 20, 57, 10, 796000),)
    ]


def test_songplay_ids_come_from_the_natural_key_so_reloads_keep_them(warehouse, raw_files):
    events = [event(itemInSession=n, sessionId=9) for n in range(3)]
    build(warehouse, raw_files, events, [song()])
    first = rows(warehouse, "SELECT songplay_id FROM songplays ORDER BY 1")
    build(warehouse, raw_files, list(reversed(events)), [song()])
    assert rows(warehouse, "SELECT songplay_id FROM songplays ORDER BY 1") == first
    assert len({songplay_id for (songplay_id,) in first}) == 3


def test_a_play_matches_the_song_with_equal_title_artist_and_duration(warehouse, raw_files):
    songs = [
        song(
            song_id="SOMATCH",
            artist_id="ARX",
            title="Yellow",
            artist_name="Coldplay",
            duration=269.0,
        ),
        song(
            song_id="SOLONGER",
            artist_id="ARX",
            title="Yellow",
            artist_name="Coldplay",
            duration=300.0,
        ),
    ]
    events = [
        event(itemInSession=0, song="Yellow", artist="Coldplay", length=269.0),
        event(itemInSession=1, song="Yellow", artist="Coldplay", length=123.0),
        event(itemInSession=2, song="Unknown", artist="Nobody", length=269.0),
    ]
    build(warehouse, raw_files, events, songs)
    assert rows(warehouse, "SELECT song_id, artist_id FROM songplays ORDER BY song_id") == [
        ("SOMATCH", "ARX"),
        (None, None),
        (None, None),
    ]


def test_text_is_compared_after_repairing_double_encoded_utf8(warehouse, raw_files):
    songs = [song(song_id="SOJOGA", artist_id="ARBJ", title="Jóga", artist_name="Björk")]
    events = [
        event(
            song=double_encode("Jóga"),
            artist=double_encode("Björk"),
            length=songs[0]["duration"],
            location=double_encode("Reykjavík"),
        )
    ]
    build(warehouse, raw_files, events, songs)
    assert rows(warehouse, "SELECT song_id, location FROM songplays") == [("SOJOGA", "Reykjavík")]


def test_text_that_is_already_proper_utf8_is_left_alone(warehouse, raw_files):
    build(warehouse, raw_files, [event(location="Zürich · Ünïcode ✓")], [song()])
    assert rows(warehouse, "SELECT location FROM songplays") == [("Zürich · Ünïcode ✓",)]


def test_several_songs_with_one_identity_give_the_smallest_song_id_and_no_fan_out(
    warehouse, raw_files
):
    songs = [song(song_id="SOB", artist_id="AR2"), song(song_id="SOA", artist_id="AR1")]
    build(warehouse, raw_files, [event()], songs)
    assert rows(warehouse, "SELECT song_id, artist_id FROM songplays") == [("SOA", "AR1")]


def test_user_agent_loses_the_literal_quotes_that_wrap_it(warehouse, raw_files):
    events = [
        event(itemInSession=0, userAgent='"Mozilla/5.0 (X11)"'),
        event(itemInSession=1, userAgent='Bot "quoted" inside'),
    ]
    build(warehouse, raw_files, events, [song()])
    assert rows(warehouse, "SELECT user_agent FROM songplays ORDER BY 1") == [
        ('Bot "quoted" inside',),
        ("Mozilla/5.0 (X11)",),
    ]


def test_users_take_name_gender_and_level_from_their_latest_event(warehouse, raw_files):
    events = [
        event(userId="15", ts=TS, level="paid", firstName="Old", itemInSession=0),
        event(userId="15", ts=TS + 1000, level="free", itemInSession=1),
        event(
            userId="15",
            ts=TS + 2000,
            level="paid",
            firstName="Lily",
            itemInSession=2,
            page="Home",
            song=None,
            artist=None,
            length=None,
        ),
        event(userId="15", ts=TS + 2000, level="free", itemInSession=1, sessionId=2),
        event(userId="", auth="Logged Out", page="Home", firstName=None),
    ]
    build(warehouse, raw_files, events, [song()])
    assert rows(warehouse, "SELECT user_id, first_name, level FROM users") == [(15, "Lily", "paid")]


def test_songs_have_one_row_per_song_id_and_year_zero_means_unknown(warehouse, raw_files):
    songs = [song(song_id="SOA", year=0), song(song_id="SOB", year=1999)]
    build(warehouse, raw_files, [event()], songs)
    assert rows(warehouse, "SELECT song_id, year FROM songs ORDER BY 1") == [
        ("SOA", None),
        ("SOB", 1999),
    ]


def test_an_artist_with_name_variants_gets_its_most_common_name(warehouse, raw_files):
    songs = [
        song(song_id="SO1", artist_id="ARV", artist_name="Gorillaz", artist_location=""),
        song(
            song_id="SO2",
            artist_id="ARV",
            artist_name="Gorillaz feat. De La Soul",
            artist_location="London",
            artist_latitude=51.5,
            artist_longitude=-0.1,
        ),
        song(song_id="SO3", artist_id="ARV", artist_name="Gorillaz", artist_location="London"),
        song(song_id="SO4", artist_id="ARW", artist_name="Zed", artist_location=""),
    ]
    build(warehouse, raw_files, [event()], songs)
    assert rows(warehouse, "SELECT * FROM artists ORDER BY 1") == [
        ("ARV", "Gorillaz", "London", 51.5, -0.1),
        ("ARW", "Zed", None, None, None),
    ]


# Redshift: "Trailing spaces in VARCHAR and CHAR values are treated as semantically
# insignificant when values are compared" (r_Character_types.html). The warehouse drops them
# from every text it reads from staging, so PostgreSQL gives Redshift's answers.


def test_a_title_with_a_trailing_blank_matches_the_play_without_it(warehouse, raw_files):
    songs = [song(song_id="SOBLANK", title="Intro ", artist_name="The xx ")]
    events = [event(song="Intro", artist="The xx", length=200.5)]
    build(warehouse, raw_files, events, songs)
    assert rows(warehouse, "SELECT song_id FROM songplays") == [("SOBLANK",)]
    assert rows(warehouse, "SELECT title FROM songs") == [("Intro",)]


def test_names_that_differ_by_trailing_blanks_are_one_name(warehouse, raw_files):
    songs = [
        song(song_id="SO1", artist_id="ARB", artist_name="Beta "),
        song(song_id="SO2", artist_id="ARB", artist_name="Beta"),
        song(song_id="SO3", artist_id="ARB", artist_name="Abba"),
    ]
    build(warehouse, raw_files, [event()], songs)
    # "Beta" is on two songs once blanks don't count; were "Beta " another name, "Abba" would
    # win a three-way tie of one song each (same length, then A-Z).
    assert rows(warehouse, "SELECT artist_id, name FROM artists") == [("ARB", "Beta")]


def test_ids_that_differ_by_trailing_blanks_are_one_key(warehouse, raw_files):
    songs = [
        song(song_id="SODUP", artist_id="ARD", title="One"),
        song(song_id="SODUP ", artist_id="ARD ", title="One"),
    ]
    build(warehouse, raw_files, [event()], songs)
    assert rows(warehouse, "SELECT song_id, artist_id FROM songs") == [("SODUP", "ARD")]
    assert rows(warehouse, "SELECT artist_id FROM artists") == [("ARD",)]


def test_name_ties_go_to_the_shortest_then_alphabetically_first(warehouse, raw_files):
    songs = [
        song(song_id="SO1", artist_id="ART", artist_name="Beta feat. X"),
        song(song_id="SO2", artist_id="ART", artist_name="Beta"),
        song(song_id="SO3", artist_id="ARU", artist_name="Bob"),
        song(song_id="SO4", artist_id="ARU", artist_name="Ann"),
    ]
    build(warehouse, raw_files, [event()], songs)
    assert rows(warehouse, "SELECT artist_id, name FROM artists ORDER BY 1") == [
        ("ART", "Beta"),
        ("ARU", "Ann"),
    ]


@pytest.mark.warehouse  # starts an embedded PostgreSQL of its own
def test_alphabetical_ties_follow_byte_order_as_on_redshift_whatever_the_callers_locale(
    tmp_path, monkeypatch
):
    """Redshift compares text byte by byte; under en_US, 'a' would sort before 'B' and a tie
    rule could pick another name locally than on Redshift. (Where en_US is not installed,
    initdb would refuse to start under it instead.)"""
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    try:
        connection = psycopg2.connect(embedded_postgres_dsn(tmp_path))
        with connection, connection.cursor() as cursor:
            cursor.execute("SELECT x FROM (VALUES ('a'), ('B'), ('_c')) AS v (x) ORDER BY x")
            assert [x for (x,) in cursor.fetchall()] == ["B", "_c", "a"]
        connection.close()
    finally:
        stop_embedded_postgres(tmp_path)
    assert os.environ["LC_ALL"] == "en_US.UTF-8"  # the caller's own locale is left as it was


def test_time_has_one_row_per_distinct_start_with_its_calendar_parts(warehouse, raw_files):
    events = [
        event(itemInSession=0, ts=TS),
        event(itemInSession=1, ts=TS),
        event(itemInSession=2, ts=TS + 3_600_000),
    ]
    build(warehouse, raw_files, events, [song()])
    # 2018-11-01 was a Thursday (weekday 4 counting from Sunday = 0) in ISO week 44.
    assert rows(warehouse, "SELECT hour, day, week, month, year, weekday FROM time ORDER BY 1") == [
        (20, 1, 44, 11, 2018, 4),
        (21, 1, 44, 11, 2018, 4),
    ]


def test_rebuilding_any_table_gives_identical_contents(warehouse, raw_files):
    build(warehouse, raw_files, [event(itemInSession=n) for n in range(3)], [song()])
    before = {t.name: rows(warehouse, f"SELECT * FROM {t.name} ORDER BY 1") for t in STAR_TABLES}
    for table in STAR_TABLES:
        warehouse.rebuild(table)
    after = {t.name: rows(warehouse, f"SELECT * FROM {t.name} ORDER BY 1") for t in STAR_TABLES}
    assert after == before


def test_a_play_without_session_item_or_time_is_left_out_instead_of_failing_the_build(
    warehouse, raw_files
):
    events = [
        event(itemInSession=0),
        event(itemInSession=1, sessionId=""),
        event(itemInSession=2, ts=""),
    ]
    build(warehouse, raw_files, events, [song()])
    assert rows(warehouse, "SELECT COUNT(*) FROM songplays") == [(1,)]
    with warehouse.session() as session:
        # counted: the play without a session; the one without a time belongs to no day
        counts = session.fetch_one("checks/songplays_vs_events", Days.ALL.parameters())
        assert counts == (1, 1, 1)
