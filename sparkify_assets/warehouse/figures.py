"""A table's figures by day, read in the transaction that wrote it: each day's rows (kept in
`day_rows`, so that the whole table's count is a sum over days, not a COUNT(*) that grows with
every day loaded), the numbers `sql/figures/<table>.sql` gives, and a load's rejected records.
The assets put each day's figures on that day's materialization: the UI's Plots draw them a
point per day."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sparkify_assets.model.days import Days, day_of_log_file
from sparkify_assets.model.tables import Table
from sparkify_assets.warehouse.session import Session
from sparkify_assets.warehouse.table_state import (
    PARTITION_ROW_COUNT,
    DailyFigures,
    Figures,
    TableState,
)

REJECTED = "rejected_records"


def state_of(session: Session, table: Table, days: Days, load_id: str | None = None) -> TableState:
    """The table as just written, in the transaction that wrote it: its whole row count,
    its columns and the figures of each day written (with the records the load `load_id`
    rejected, by day). A daily table's days are counted again and its whole count summed from
    every day's: the cost of a day's run does not grow with the days loaded before it."""
    if table.day_column is None:
        row = session.fetch_one("common/count_rows", table=table.name)
        row_count, daily = (row[0] if row else 0), DailyFigures()
    else:
        row_count, daily = count_days(session, table, days)
    daily |= figures_by_day(session, table, days)
    if load_id is not None and table.day_column is not None:
        daily |= rejected_by_day(session, load_id)
    return TableState(table.name, row_count, session.columns(table.name), daily)


def count_days(session: Session, table: Table, days: Days) -> tuple[int, DailyFigures]:
    """Count the table's rows of each day of `days` again, and return its whole row count and
    those days' counts. For a daily table only; in the transaction that wrote those days."""
    column = table.day_column
    assert column is not None, table.name
    named = {"tbl_name": table.name, "first_day": days.first, "last_day": days.last}
    insert = "meta/day_rows.insert_epoch_ms" if column.epoch_ms else "meta/day_rows.insert"
    session.execute("meta/day_rows.delete", named)
    session.execute(
        insert, {**named, **days.parameters(column)}, table=table.name, column=column.name
    )
    total = session.fetch_one("meta/day_rows.total", named)
    rows = session.fetch_all("meta/day_rows.of_days", named)
    by_day = {str(day): {PARTITION_ROW_COUNT: count} for day, count in rows}
    return int(total[0]) if total else 0, DailyFigures(by_day, {PARTITION_ROW_COUNT: 0})


def figures_by_day(session: Session, table: Table, days: Days) -> DailyFigures:
    """The numbers `sql/figures/<table>.sql` gives for each day of `days`, by their names."""
    if table.figures_sql is None:
        return DailyFigures()
    rows = session.fetch_all(table.figures_sql, days.parameters(table.day_column))
    names = [column.name for column in session.cursor.description[1:]]
    return DailyFigures(
        {str(day): dict(zip(names, map(_number, values), strict=True)) for day, *values in rows},
        dict.fromkeys(names, 0),
    )


def rejected_by_day(session: Session, load_id: str) -> DailyFigures:
    """A load's rejected records, counted for the day of the log file each came from (a
    rejected record's own ts may be missing or wrong)."""
    by_day: dict[str, Figures] = {}
    for filename, count in session.fetch_all("figures/rejected_by_file", {"load_id": load_id}):
        day = day_of_log_file(filename)
        if day is not None:
            figures = by_day.setdefault(str(day), {REJECTED: 0})
            figures[REJECTED] += count
    return DailyFigures(by_day, {REJECTED: 0})


def _number(value: Any) -> int | float:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float):
        return value
    raise TypeError(f"a figure must be a number, not {value!r}")
