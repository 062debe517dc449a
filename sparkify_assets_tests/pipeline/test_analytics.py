"""The analysts' tables: each query's result equals the same figure computed straight from the
raw JSON, on generated data and on the real sample, and agrees with the generator's ground truth;
each materialization shows its rows, and charts where a picture reads better."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from dagster import ExecuteInProcessResult

from sparkify_assets.model.catalogue import columns_of
from sparkify_assets.model.tables import ANALYTICS_TABLES, AnalyticsTable
from sparkify_assets.pipeline import charts
from sparkify_assets.pipeline.charts import AXES
from sparkify_assets.sample.truth import analytics_differences
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets_tests.conftest import check_results, run_etl
from sparkify_assets_tests.pipeline.test_charts import bar_heights
from sparkify_assets_tests.support.raw_reference import expected_analytics
from sparkify_assets_tests.support.rawdata import event, log_files, song, song_files

CHARTED = {"plays_by_hour", "plays_by_weekday"}


def table_rows(warehouse: WarehouseResource) -> dict[str, list[tuple[Any, ...]]]:
    return {table.name: warehouse.last_rows(table, 10_000) for table in ANALYTICS_TABLES}


def column_names(table: AnalyticsTable) -> list[str]:
    return [column.name for column in columns_of(table)]


def assert_same_rows(found: list[tuple[Any, ...]], expected: list[tuple[Any, ...]]) -> None:
    assert len(found) == len(expected)
    for found_row, expected_row in zip(found, expected, strict=True):
        # shares are floats, computed in another order: equal to the last few bits
        assert found_row == tuple(
            pytest.approx(value, rel=1e-12) if isinstance(value, float) else value
            for value in expected_row
        )


@pytest.fixture(scope="module")
def sample_result(sample, postgres_home, tmp_path_factory):
    """One run of the job over the generated sample, in a schema of its own for this module."""
    from sparkify_assets.config.settings import Settings

    location, truth = sample
    schema = "test_analytics_sample"
    warehouse = WarehouseResource(home=str(postgres_home), schema_name=schema)
    settings = Settings.from_env(
        {
            "SPARKIFY_HOME": str(postgres_home),
            "SPARKIFY_SCHEMA": schema,
            "SPARKIFY_SOURCE": str(location),
        }
    )
    result = run_etl(settings)
    assert result.success
    yield result, warehouse, location, truth
    with warehouse.session() as session:
        session.execute("common/drop_schema", schema=schema)


@pytest.mark.parametrize("table", [t.name for t in ANALYTICS_TABLES])
def test_each_query_gives_what_the_raw_json_of_the_generated_sample_implies(sample_result, table):
    _, warehouse, location, _ = sample_result
    assert_same_rows(table_rows(warehouse)[table], expected_analytics(location)[table])


def test_the_queries_agree_with_the_generators_ground_truth(sample_result):
    _, warehouse, _, truth = sample_result
    with warehouse.session() as session:
        assert analytics_differences(session, truth) == []


def test_the_comparison_with_the_truth_names_a_wrong_figure_and_a_wrong_share(sample_result):
    _, warehouse, _, truth = sample_result
    with warehouse.session() as session:
        session.cursor.execute("UPDATE plays_by_hour SET plays = plays + 1 WHERE hour = 5")
        session.cursor.execute("UPDATE plays_by_level SET share = share / 2 WHERE level = 'paid'")
        found = analytics_differences(session, truth)
        session.connection.rollback()
    assert [line.split(" ")[0] for line in found] == ["plays_by_hour", "plays_by_level"]
    assert "5: " in found[0] and "paid: " in found[1]


@pytest.mark.parametrize("table", [t.name for t in ANALYTICS_TABLES])
def test_the_real_sample_gives_what_its_raw_json_implies(
    real_data: Path, real_sample_warehouse: WarehouseResource, table: str
):
    assert_same_rows(table_rows(real_sample_warehouse)[table], expected_analytics(real_data)[table])


@pytest.fixture(scope="module")
def real_sample_warehouse(real_data, postgres_home):
    from sparkify_assets.config.settings import Settings

    schema = "test_analytics_real"
    warehouse = WarehouseResource(home=str(postgres_home), schema_name=schema)
    settings = Settings.from_env(
        {
            "SPARKIFY_HOME": str(postgres_home),
            "SPARKIFY_SCHEMA": schema,
            "SPARKIFY_SOURCE": str(real_data),
        }
    )
    assert run_etl(settings).success
    yield warehouse
    with warehouse.session() as session:
        session.execute("common/drop_schema", schema=schema)


def materializations(result: ExecuteInProcessResult, asset: str) -> list[Any]:
    """The asset's materializations of the run, one per day, in the order of the days."""
    return [
        e.event_specific_data.materialization
        for e in result.get_asset_materialization_events()
        if e.event_specific_data.materialization.asset_key.to_user_string() == asset
    ]


def latest_metadata(result: ExecuteInProcessResult, asset: str) -> dict[str, Any]:
    """The metadata of the asset's latest materialization: the run's last day, the one the
    asset's page shows."""
    return materializations(result, asset)[-1].metadata


@pytest.mark.parametrize("table", [t.name for t in ANALYTICS_TABLES])
def test_each_materialization_previews_its_rows_as_a_table_in_the_columns_order(
    sample_result, table
):
    result, warehouse, _, _ = sample_result
    preview = latest_metadata(result, table)["preview"]
    analytics = next(t for t in ANALYTICS_TABLES if t.name == table)
    columns, rows = column_names(analytics), warehouse.last_rows(analytics, 40)
    assert [column.name for column in preview.schema.columns] == columns
    assert len(preview.records) == len(rows)
    for record, row in zip(preview.records, rows, strict=True):
        assert list(record.data) == columns
        for shown, value in zip(record.data.values(), row, strict=True):
            if isinstance(value, Decimal):
                value = float(value)
            elif isinstance(value, date):
                value = value.isoformat()
            assert shown == value


def chart_bars(result: ExecuteInProcessResult, table: str) -> dict[str, float]:
    """Each bar of the table's chart by its place on the axis, and its height."""
    analytics = next(t for t in ANALYTICS_TABLES if t.name == table)
    assert analytics.chart is not None
    heights = bar_heights(latest_metadata(result, table)["chart"].value)
    return dict(zip(AXES[analytics.chart.axis], heights, strict=True))


def assert_bars_show(bars: dict[str, float], figures: dict[str, float]) -> None:
    """Every figure has its bar, as high relative to the tallest as the figure is to the
    largest (to the drawing's whole units); every other bar is 0."""
    assert set(figures) <= set(bars)
    tallest, largest = max(bars.values()), max(figures.values())
    for label, height in bars.items():
        assert height == round(tallest * figures.get(label, 0) / largest), label


def chart_figures(warehouse: WarehouseResource, table: str) -> dict[str, float]:
    """What the table says each bar should show: its chart's label and value columns."""
    analytics = next(t for t in ANALYTICS_TABLES if t.name == table)
    assert analytics.chart is not None
    columns = column_names(analytics)
    label, value = columns.index(analytics.chart.label), columns.index(analytics.chart.value)
    return {str(row[label]): row[value] for row in warehouse.last_rows(analytics, 1000)}


@pytest.mark.parametrize("table", sorted(CHARTED))
def test_charts_show_each_figure_of_the_table_as_a_bar_as_high_as_it(sample_result, table):
    result, warehouse, _, _ = sample_result
    assert_bars_show(chart_bars(result, table), chart_figures(warehouse, table))


def test_days_and_hours_without_plays_are_0_and_the_preview_shows_the_latest_days(
    raw_files, settings, warehouse
):
    """50 days with every seventh day missing, plays only in even hours: each day's active
    users are that day's materialization's figure (0 on a day without plays), the hours without
    plays are bars of 0, and of 43 days the preview lists the latest 40."""
    first = datetime(2018, 11, 1, tzinfo=UTC)
    played = [n for n in range(50) if n % 7 != 3]
    starts = {n: first + timedelta(days=n, hours=2 * (n % 12)) for n in played}
    source = raw_files(
        {
            **log_files(
                *(
                    (str(start.date()), [event(ts=int(start.timestamp() * 1000), sessionId=n)])
                    for n, start in starts.items()
                )
            ),
            **song_files(song()),
        }
    )
    result = run_etl(settings(SPARKIFY_SOURCE=source.location))
    assert result.success

    by_day = {
        m.partition: m.metadata["active_users"].value
        for m in materializations(result, "daily_active_users")
    }
    every_day = [str((first + timedelta(days=n)).date()) for n in range(50)]
    assert by_day == {day: int(n in starts) for n, day in enumerate(every_day)}
    hours = chart_bars(result, "plays_by_hour")
    assert all((hours[str(hour)] > 0) == (hour % 2 == 0) for hour in range(24))

    preview = latest_metadata(result, "daily_active_users")["preview"]
    assert [record.data["day"] for record in preview.records] == [
        str(starts[n].date()) for n in played[-40:]
    ]
    assert latest_metadata(result, "daily_active_users")["dagster/row_count"].value == 43


def test_only_the_tables_a_picture_explains_carry_a_chart(sample_result):
    result, *_ = sample_result
    charted = {t.name for t in ANALYTICS_TABLES if "chart" in latest_metadata(result, t.name)}
    assert charted == CHARTED


def test_the_real_sample_answers_the_analysts_questions_as_they_expect(real_sample_warehouse):
    rows = table_rows(real_sample_warehouse)
    assert rows["top_songs"][0][1:] == (
        "SOBONKR12A58A7A7E0", "You're The One", "Dwight Yoakam", 37
    )  # fmt: skip
    assert rows["most_active_users"][0][:2] == (1, 49) and rows["most_active_users"][0][-1] == 689
    paid = dict((level, share) for level, _, share in rows["plays_by_level"])["paid"]
    assert paid == pytest.approx(5591 / 6820)
    assert max(rows["plays_by_weekday"], key=lambda row: row[2])[1] == "Wednesday"
    assert [plays for _, plays, _ in rows["song_match_share"]] == [6493, 327]


def test_no_play_matching_a_song_leaves_top_songs_empty_and_the_run_green(
    raw_files, settings, warehouse
):
    source = raw_files(
        {
            **log_files(("2018-11-01", [event(song="Unknown Song")])),  # the event's day
            **song_files(song(title="Another Song")),
        }
    )
    result = run_etl(settings(SPARKIFY_SOURCE=source.location))
    assert result.success
    rows = table_rows(warehouse)
    assert rows["top_songs"] == [] and rows["top_artists"] == []
    assert [plays for _, plays, _ in rows["song_match_share"]] == [1]
    checks = check_results(result)
    assert checks["top_songs.primary_key"] and checks["top_artists.primary_key"]


def test_a_table_that_splits_every_play_into_parts_must_count_each_play_once(
    sample, settings, warehouse
):
    """`time` missing an hour's start times (as when songplays was materialized alone) would
    drop those plays from the tables that join it, silently but for this check."""
    configured = settings(SPARKIFY_SOURCE=str(sample[0]))
    first = run_etl(configured)
    assert first.success
    passed = check_results(first)
    splitting = [t.name for t in ANALYTICS_TABLES if t.plays_column is not None]
    assert all(passed[f"{name}.counts_every_play"] for name in splitting)
    with warehouse.session() as session:
        session.cursor.execute(
            "SELECT COUNT(*) FROM songplays WHERE EXTRACT(HOUR FROM start_time) = 5"
        )
        (lost,) = session.cursor.fetchone()
        session.cursor.execute("DELETE FROM time WHERE hour = 5")

    result = run_etl(configured, *splitting)

    assert not result.success
    assert {name: check_results(result)[f"{name}.counts_every_play"] for name in splitting} == {
        "plays_by_hour": False,
        "plays_by_weekday": False,
        "daily_active_users": True,
        "song_match_share": True,
    }
    (evaluation,) = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.event_specific_data.asset_key.to_user_string() == "plays_by_hour"
        and e.event_specific_data.check_name == "counts_every_play"
    ]
    counted, songplays = (evaluation.metadata[k].value for k in ("plays_counted", "songplays"))
    assert songplays - counted == lost > 0


def test_a_chart_too_large_to_draw_in_place_is_left_out_with_a_warning_not_a_failure(
    raw_files, settings, monkeypatch, capfd
):
    monkeypatch.setattr(charts, "MARKDOWN_LIMIT", 100)  # no chart fits
    source = raw_files({**log_files(("2018-11-01", [event()])), **song_files(song())})
    result = run_etl(settings(SPARKIFY_SOURCE=source.location))
    assert result.success
    metadata = latest_metadata(result, "plays_by_hour")
    assert "chart" not in metadata and metadata["preview"].records
    assert (
        "plays_by_hour: no chart: 24 bars are too many to draw in place" in capfd.readouterr().err
    )
