"""Which days are partitions: the days with log files, not the calendar's, whatever today is;
a feed still arriving keeps an open end; the first and last day settings win; a source that
cannot be listed, or does not answer in time, stops the code from loading instead of guessing
days; every asset shares the daily partitions, so a backfill of everything is one run."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from dagster import BackfillPolicy

from sparkify_assets.config.settings import Settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets.pipeline.partitions import LIVE_FEED_DAYS, partition_days
from sparkify_assets.warehouse.source import SourceError
from sparkify_assets_tests.support.daily_runs import DAYS, FIRST


def partition_keys(settings: Settings, today: date) -> list[str]:
    job = build_definitions(settings, today=today).resolve_job_def("sparkify_etl")
    assert job.partitions_def is not None
    return job.partitions_def.get_partition_keys()


def test_the_partitions_are_the_days_with_log_files_whatever_today_is(six_days: Path, settings):
    days = [(FIRST + timedelta(days=n)).isoformat() for n in range(DAYS)]
    watched = settings(SPARKIFY_SOURCE=str(six_days))
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
    six_days: Path, settings, monkeypatch
):
    """Guessed days would let a run of "every day" replace the tables with the guess's days."""
    missing = six_days.parent / "not-there"
    with pytest.raises(SourceError, match=f"raw data directory {missing} does not exist"):
        build_definitions(settings(SPARKIFY_SOURCE=str(missing)))

    import sparkify_assets.warehouse.source as source_module

    def refused(path):  # what a folder the run's user may not read gives (root reads any)
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(source_module.os, "scandir", refused)
    with pytest.raises(SourceError, match=r"cannot list .*log_data/: .*Permission denied"):
        build_definitions(settings(SPARKIFY_SOURCE=str(six_days)))


def test_a_source_that_does_not_answer_in_time_stops_the_code_from_loading(settings, monkeypatch):
    import threading

    import sparkify_assets.pipeline.partitions as partitions

    never = threading.Event()
    monkeypatch.setattr(partitions, "LISTING_SECONDS", 0.5)
    monkeypatch.setattr(partitions, "days_with_log_files", lambda source: never.wait())
    with pytest.raises(SourceError, match=r"no answer listing .* in 0\.5 s"):
        build_definitions(settings(SPARKIFY_SOURCE="s3://sparkify-silent/raw"))
    never.set()


def test_a_last_day_before_the_first_day_with_a_file_is_refused_naming_both(
    six_days: Path, settings
):
    from sparkify_assets.config.settings import SettingsError

    with pytest.raises(
        SettingsError, match=r"SPARKIFY_LAST_DAY=2018-10-15 is before .* 2018-11-01"
    ):
        build_definitions(settings(SPARKIFY_SOURCE=str(six_days), SPARKIFY_LAST_DAY="2018-10-15"))


def test_without_any_log_file_the_partitions_wait_open_from_yesterday(tmp_path: Path, settings):
    today = date(2026, 12, 1)
    assert partition_days(None, None, None, today) == (date(2026, 11, 30), None)
    empty = tmp_path / "empty"
    (empty / "log_data").mkdir(parents=True)
    assert partition_keys(settings(SPARKIFY_SOURCE=str(empty)), today)[0] == "2026-11-30"


def test_every_asset_shares_the_daily_partitions_so_a_backfill_of_everything_is_one_run(
    six_days: Path, settings
):
    graph = build_definitions(settings(SPARKIFY_SOURCE=str(six_days))).resolve_asset_graph()
    nodes = [graph.get(key) for key in graph.get_all_asset_keys()]
    assert nodes[0].partitions_def is not None
    assert {node.partitions_def for node in nodes} == {nodes[0].partitions_def}
    assert {node.backfill_policy for node in nodes} == {BackfillPolicy.single_run()}
