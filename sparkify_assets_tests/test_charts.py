"""The bar charts and Markdown previews the analytics assets attach to their materializations."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ElementTree
from datetime import date, timedelta

import pytest

from sparkify_assets.assets.metadata import markdown_table
from sparkify_assets.charts import WEEKDAYS, bar_chart_svg, complete_axis

SVG = "{http://www.w3.org/2000/svg}"


def bars(svg: str) -> list[float]:
    return [float(rect.get("height")) for rect in ElementTree.fromstring(svg).iter(f"{SVG}rect")
            if rect.get("class") == "bar"]  # fmt: skip


def test_each_value_is_a_bar_as_high_as_its_share_of_the_tallest():
    heights = bars(bar_chart_svg("Plays", ["a", "b", "c"], [10, 40, 20]))
    assert heights[0] / heights[1] == pytest.approx(0.25)
    assert heights[2] / heights[1] == pytest.approx(0.5)


def test_the_y_axis_ends_at_a_round_number_above_the_tallest_bar():
    svg = bar_chart_svg("Plays", ["a"], [462])
    axis = [t.text for t in ElementTree.fromstring(svg).iter(f"{SVG}text")
            if t.get("text-anchor") == "end"]  # fmt: skip
    assert axis == ["0", "125", "250", "375", "500"]


def axis_labels(svg: str) -> list[tuple[float, str]]:
    """The labels below the bars, with the x of their centres."""
    root = ElementTree.fromstring(svg)
    return [(float(text.get("x")), text.text) for text in root.iter(f"{SVG}text")
            if text.get("text-anchor") == "middle" and text.get("font-size") is None]  # fmt: skip


# The widest a character of an 11 px sans-serif label is drawn: digits are 0.556 em in Liberation
# Sans and Arial, which Debian's Chromium draws sans-serif with; '-' is narrower.
LABEL_CHARACTER_PX = 0.556 * 11


@pytest.mark.parametrize("days", [7, 30, 90, 400])
def test_days_are_labelled_sparsely_enough_that_no_two_labels_overlap(days):
    every_day = [str(date(2018, 11, 1) + timedelta(days=n)) for n in range(days)]
    svg = bar_chart_svg("Daily active users", every_day, list(range(days)))
    shown = axis_labels(svg)
    assert len(bars(svg)) == days and shown[0][1] == "2018-11-01"
    for (left, text), (right, _) in itertools.pairwise(shown):
        assert right - left > len(text) * LABEL_CHARACTER_PX
    assert len(shown) >= 5  # sparse, but still an axis one can read dates from


def test_every_hour_and_weekday_has_its_label():
    hours, weekdays = [str(hour) for hour in range(24)], list(WEEKDAYS)
    assert [text for _, text in axis_labels(bar_chart_svg("h", hours, [1] * 24))] == hours
    assert [text for _, text in axis_labels(bar_chart_svg("w", weekdays, [1] * 7))] == weekdays


def test_text_is_escaped_so_the_svg_stays_well_formed():
    svg = bar_chart_svg('Plays <by> "hour" & more', ["<0>", "&1"], [1, 2])
    assert "Plays <by>" in ElementTree.fromstring(svg).find(f"{SVG}text").text


def test_no_rows_give_an_empty_chart_not_an_error():
    assert bars(bar_chart_svg("Nothing yet", [], [])) == []


def test_labels_and_values_must_pair_up():
    with pytest.raises(ValueError, match="2 labels for 1 values"):
        bar_chart_svg("Plays", ["a", "b"], [1])


def test_the_preview_is_a_markdown_table_that_says_when_it_shows_only_some_rows():
    preview = markdown_table(["name", "share"], [("a|b", 0.123456), (None, 1.0)], total=5).value
    lines = preview.splitlines()
    assert lines[:4] == ["| name | share |", "|---|---|", "| a\\|b | 0.1235 |", "|  | 1.0000 |"]
    assert re.search(r"The last 2 of 5 rows", preview)
    assert "last" not in markdown_table(["x"], [(1,)], total=1).value


def test_an_hour_without_plays_is_a_bar_of_zero_not_a_missing_bar():
    labels, values = complete_axis("hour", ["0", "2", "23"], [5, 7, 9])
    assert labels == [str(hour) for hour in range(24)]
    assert values[:3] == [5, 0, 7] and values[23] == 9 and sum(values) == 21


def test_every_weekday_has_its_bar_sunday_first():
    labels, values = complete_axis("weekday", ["Monday"], [3])
    assert labels[0] == "Sunday" and labels[-1] == "Saturday"
    assert values == [0, 3, 0, 0, 0, 0, 0]


def test_a_day_without_plays_shows_as_a_gap_between_the_first_and_last_day():
    labels, values = complete_axis("day", ["2018-11-30", "2018-12-02"], [4, 6])
    assert labels == ["2018-11-30", "2018-12-01", "2018-12-02"]
    assert values == [4, 0, 6]


def test_no_rows_give_no_axis():
    assert complete_axis("day", [], []) == ([], [])
