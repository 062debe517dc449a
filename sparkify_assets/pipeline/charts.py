"""Bar charts as small SVG images, drawn in place on the asset pages of the UI: a person reads
the shape of plays by hour faster from bars than from 24 numbers. (Figures by day are drawn by
the UI itself, from each day's numeric metadata: see assets/figures.py.)

Written by hand rather than with a plotting library: a bar chart is a few rectangles, and the
pipeline stays free of a large dependency. The chart travels in the materialization's Markdown
as a data URI, so the UI shows it without any file or server of ours.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

# The Dagster UI shows a Markdown value in place only when it is under 1,000 characters (the
# 1.13 UI: `mdStr.length < 1e3`); a longer one hides behind "[Show Markdown]". So the chart is
# drawn small, in integer units, its bars one path, and scaled up by the browser.
MARKDOWN_LIMIT = 1_000
BAR_COLOUR = "#4f43dd"
PLOT_HEIGHT = 60  # units of the drawing: the tallest bar
FONT_SIZE = 7
CHAR_WIDTH = 4  # a generous width of one character at FONT_SIZE
LABEL_CHARACTERS = 3  # a label is cut to this many characters: "Wednesday" is "Wed"
SCALE = 3  # the drawing is shown this many times its size
MARKED_BARS = 5  # a long axis labels this many bars: the first, the last and evenly between


def inline_chart(title: str, labels: Sequence[str], values: Sequence[float]) -> str:
    """A bar per value as Markdown the Dagster UI draws in place: a small SVG image, its bars
    labelled below and its scale given by the tallest bar's value."""
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels for {len(values)} values")
    shown = [str(label)[:LABEL_CHARACTERS] for label in labels]
    slot = max(10, CHAR_WIDTH * max((len(label) for label in shown), default=0) + 2)
    top = max(values, default=0)
    heights = [round(PLOT_HEIGHT * value / top) if top else 0 for value in values]
    # Each bar: up, across, down, then a move to the next bar's foot.
    bars = "".join(f"v-{h}h{slot - 2}v{h}m2 0" if h else f"m{slot} 0" for h in heights)
    marked = _marked(len(values))
    width = slot * len(values)
    text = "".join(
        f'<text x="{index * slot + slot // 2}" y="{PLOT_HEIGHT + 9}">{escape(shown[index])}</text>'
        for index in marked
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 -10 {width} {PLOT_HEIGHT + 20}" '
        f'width="{width * SCALE}" font-size="{FONT_SIZE}" font-family="sans-serif" '
        f'text-anchor="middle"><path fill="{BAR_COLOUR}" d="M1 {PLOT_HEIGHT}{bars}"/>{text}'
        f'<text y="-3" text-anchor="start">max {_number(top)}</text></svg>'
    )
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = title.replace("[", "(").replace("]", ")")
    markdown = f"![{alt}](data:image/svg+xml;base64,{encoded})"
    if len(markdown) >= MARKDOWN_LIMIT:
        raise ChartTooLarge(f"{len(values)} bars are too many to draw in place")
    return markdown


class ChartTooLarge(ValueError):
    """A chart that the UI would hide behind a link: better none, beside the table it draws."""


def _marked(bars: int) -> list[int]:
    """The bars that carry a label: all of a short axis; of a long one, every n-th from the
    first (n such that about MARKED_BARS fit: hours 0, 6, 12, 18) and the last."""
    if bars <= 2 * MARKED_BARS:
        return list(range(bars))
    step = math.ceil(bars / (MARKED_BARS - 1))
    last = bars - 1
    # A mark too near the last would crowd its label: at least half a step between them.
    return [*(i for i in range(0, last, step) if last - i >= (step + 1) // 2), last]


WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


# Every bar an axis has, whichever of them the table has rows for.
AXES: dict[str, list[str]] = {
    "hour": [str(hour) for hour in range(24)],
    "weekday": list(WEEKDAYS),
}


def complete_axis(
    axis: str, labels: Sequence[str], values: Sequence[float]
) -> tuple[list[str], list[float]]:
    """The bars of every point of the axis, 0 where there is no row: an hour without plays must
    show as a gap in the chart, not vanish from it."""
    found = dict(zip(labels, values, strict=True))
    every = AXES[axis] if labels else []
    return every, [found.get(label, 0.0) for label in every]


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
