"""The charts and previews the analytics assets put on their pages: drawn in place by the
Dagster UI, which shows a Markdown value only under 1,000 characters and a table always."""

from __future__ import annotations

import base64
import itertools
import re
import xml.etree.ElementTree as ElementTree
from datetime import date
from decimal import Decimal

import pytest
from dagster import TableColumn

from sparkify_assets.pipeline.charts import (
    AXES,
    MARKDOWN_LIMIT,
    WEEKDAYS,
    ChartTooLarge,
    complete_axis,
    inline_chart,
)
from sparkify_assets.pipeline.metadata import preview

SVG = "{http://www.w3.org/2000/svg}"


def drawing(markdown: str) -> ElementTree.Element:
    match = re.fullmatch(r"!\[[^\]]*\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", markdown)
    assert match, "the chart is a Markdown image of an inline SVG"
    return ElementTree.fromstring(base64.b64decode(match[1]))


def bar_heights(markdown: str) -> list[int]:
    """Each bar's height, read from the one path that draws them: `v-H…` per bar, or only a
    move (`m…`) for a bar of 0."""
    path = drawing(markdown).find(f"{SVG}path").get("d")
    return [int(up) if up else 0 for up, _ in re.findall(r"(?:v-(\d+)h\d+v\d+)?m(\d+) 0", path)]


def labels_below(markdown: str) -> list[str]:
    return [t.text for t in drawing(markdown).iter(f"{SVG}text") if t.get("text-anchor") is None]


def test_each_value_is_a_bar_as_high_as_its_share_of_the_tallest():
    heights = bar_heights(inline_chart("Plays", ["a", "b", "c", "d"], [10, 40, 20, 0]))
    assert heights == [15, 60, 30, 0]


def test_the_scale_is_the_tallest_bars_value():
    scale = [t.text for t in drawing(inline_chart("Plays", ["a"], [1462])).iter(f"{SVG}text")
             if t.get("text-anchor") == "start"]  # fmt: skip
    assert scale == ["max 1,462"]


@pytest.mark.parametrize("axis", sorted(AXES))
def test_a_full_axis_of_large_figures_stays_under_the_uis_limit_for_drawing_in_place(axis):
    labels = AXES[axis]
    markdown = inline_chart("Plays by something long (UTC)", labels, [987_654_321.5] * len(labels))
    assert len(markdown) < MARKDOWN_LIMIT
    assert len(bar_heights(markdown)) == len(labels)


def test_more_bars_than_fit_in_place_are_refused_not_hidden():
    with pytest.raises(ChartTooLarge, match="too many to draw in place"):
        inline_chart("Days", [str(n) for n in range(60)], [1.0] * 60)


def test_weekdays_are_each_labelled_and_hours_at_five_points():
    weekdays = inline_chart("w", list(WEEKDAYS), [1] * 7)
    assert labels_below(weekdays) == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    hours = inline_chart("h", AXES["hour"], [1] * 24)
    assert labels_below(hours) == ["0", "6", "12", "18", "23"]


def test_text_is_escaped_so_the_svg_stays_well_formed_and_the_markdown_an_image():
    markdown = inline_chart('Plays [by] "hour"', ["<0>", "&1"], [1, 2])
    assert markdown.startswith('![Plays (by) "hour"](')
    assert labels_below(markdown) == ["<0>", "&1"]


def test_no_rows_give_an_empty_chart_not_an_error():
    assert bar_heights(inline_chart("Nothing yet", [], [])) == []


def test_labels_and_values_must_pair_up():
    with pytest.raises(ValueError, match="2 labels for 1 values"):
        inline_chart("Plays", ["a", "b"], [1])


def test_the_preview_is_a_table_of_plain_values_in_the_columns_order():
    columns = [TableColumn("day", "date"), TableColumn("share", "numeric"), TableColumn("x")]
    shown = preview(columns, [(date(2018, 11, 2), Decimal("0.125"), None), (None, 1.5, "a|b")])
    assert [column.name for column in shown.schema.columns] == ["day", "share", "x"]
    assert [record.data for record in shown.records] == [
        {"day": "2018-11-02", "share": 0.125, "x": None},
        {"day": None, "share": 1.5, "x": "a|b"},
    ]


def test_an_hour_without_plays_is_a_bar_of_zero_not_a_missing_bar():
    labels, values = complete_axis("hour", ["0", "2", "23"], [5, 7, 9])
    assert labels == [str(hour) for hour in range(24)]
    assert values[:3] == [5, 0, 7] and values[23] == 9 and sum(values) == 21


def test_every_weekday_has_its_bar_sunday_first():
    labels, values = complete_axis("weekday", ["Monday"], [3])
    assert labels[0] == "Sunday" and labels[-1] == "Saturday"
    assert values == [0, 3, 0, 0, 0, 0, 0]


def test_no_rows_give_no_axis():
    assert complete_axis("hour", [], []) == ([], [])


@pytest.mark.parametrize("bars", range(11, 28))  # 28 bars no longer fit in place
def test_a_long_axis_labels_its_first_and_last_bar_and_no_two_labels_side_by_side(bars):
    shown = [
        int(label)
        for label in labels_below(inline_chart("n", [str(n) for n in range(bars)], [1] * bars))
    ]
    assert shown[0] == 0 and shown[-1] == bars - 1 and len(shown) >= 4
    assert all(right - left >= 2 for left, right in itertools.pairwise(shown))
