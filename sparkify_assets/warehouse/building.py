"""A star or analytics table rebuilt by its INSERT … SELECT, in one transaction: readers see
the old rows or the new, never half."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from sparkify_assets.model.days import Days
from sparkify_assets.model.sql import function_sql
from sparkify_assets.model.tables import BuiltTable
from sparkify_assets.warehouse.figures import state_of
from sparkify_assets.warehouse.session import Session
from sparkify_assets.warehouse.table_state import TableState


class MissingUpstream(RuntimeError):
    """A table's INSERT … SELECT reads a table that has never been built."""


def build_once(
    open_session: Callable[[], AbstractContextManager[Session]], table: BuiltTable, days: Days
) -> TableState:
    """One attempt at replacing the table's rows (of `days`, for a daily table)."""
    with open_session() as session:
        _refuse_missing_upstream(session, table)
        session.create(table)
        for function in table.functions:
            session.ensure_function(function, function_sql(function))
        if session.recreate_if_changed(table):
            days = Days.ALL  # a table made anew is built for every day
        parameters = days.parameters(table.day_column)
        session.lock_for_rewrite(table)
        for temporary, name in table.temporary_tables:
            session.execute(name, parameters)
            session.execute("common/analyze", table=temporary)
        if table.refreshed_by:
            for name in table.refreshed_by:
                session.execute(name, parameters)
        else:
            session.clear_for_rewrite(table, days)
        session.execute(table.insert_sql, parameters)
        session.restore_indexes(table)
        state = state_of(session, table, days)
        session.analyze(table, days, state.rows_written)
        return state


def _refuse_missing_upstream(session: Session, table: BuiltTable) -> None:
    missing = [name for name in table.upstream if not session.exists(name)]
    if missing:
        raise MissingUpstream(
            f"{table.name} is built from {', '.join(missing)}, which does not exist yet: "
            "build it first (it is in every job; `sparkify run` builds everything)"
        )
