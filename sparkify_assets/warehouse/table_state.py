"""What a run reports of a table it wrote: its size, its columns and its figures by day. Plain
data, read by the session and the figures (figures.py) and shown by the assets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sparkify_assets.copyjson import Column

PARTITION_ROW_COUNT = "dagster/partition_row_count"  # TableMetadataSet.partition_row_count

Figures = dict[str, int | float]


@dataclass(frozen=True)
class DailyFigures:
    """Figures by partition key; a day without any is all zeros (a day without plays is a
    point at 0 in the Plots, not a gap)."""

    by_day: Mapping[str, Figures] = field(default_factory=dict)
    zero: Figures = field(default_factory=dict)

    def of(self, day: str) -> Figures:
        return {**self.zero, **self.by_day.get(day, {})}

    def __or__(self, other: DailyFigures) -> DailyFigures:
        days = {day: self.of(day) | other.of(day) for day in {*self.by_day, *other.by_day}}
        return DailyFigures(days, self.zero | other.zero)

    def total(self, name: str) -> int | float:
        return sum(figures.get(name, 0) for figures in self.by_day.values())


@dataclass(frozen=True)
class TableState:
    name: str
    row_count: int  # the whole table's
    columns: list[Column]
    daily: DailyFigures = field(default_factory=DailyFigures)  # of the days just written

    @property
    def rows_written(self) -> int:
        """The rows of the days just written: a daily table's, else the whole table's."""
        if PARTITION_ROW_COUNT in self.daily.zero:
            return int(self.daily.total(PARTITION_ROW_COUNT))
        return self.row_count
