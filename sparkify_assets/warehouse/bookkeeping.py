"""The bookkeeping tables (load_history, load_errors, load_unmapped_keys, day_rows): created,
and brought up to date when a warehouse was made by an earlier version, before a load or a
reset writes them. Each change is made under the creation lock and checked again under it:
another run may have made it meanwhile."""

from __future__ import annotations

from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import ALL_TABLES, META_TABLES
from sparkify_assets.model.targets import Target
from sparkify_assets.warehouse.figures import count_days
from sparkify_assets.warehouse.session import Session


def create_bookkeeping(session: Session) -> None:
    """The bookkeeping tables, created or brought up to date."""
    counted = session.exists("day_rows")
    session.create(*META_TABLES)
    if not counted:
        _count_the_days_held(session)
    _add_load_history_days(session)
    if session.target is Target.LOCAL:
        _widen_load_errors_filename(session)


def _count_the_days_held(session: Session) -> None:
    """A warehouse from before day_rows: count the days its daily tables hold."""
    for table in ALL_TABLES:
        if table.day_column is not None and session.exists(table.name):
            count_days(session, table, Days.ALL)


def _add_load_history_days(session: Session) -> None:
    """A load_history from before loads covered days: add first_day and last_day."""

    def missing() -> list[str]:
        present = {column.name for column in session.columns("load_history")}
        return [column for column in ("first_day", "last_day") if column not in present]

    if missing():
        session.lock_creation(changing=True)
        for column in missing():  # again: another run may have added them meanwhile
            session.execute("meta/load_history.add_column", column=column)


def _widen_load_errors_filename(session: Session) -> None:
    """PostgreSQL only (see the statement): load_errors.filename of the older width."""

    def narrow_filename() -> bool:
        widths = {column.name: column.max_length for column in session.columns("load_errors")}
        return widths["filename"] == 1024

    if narrow_filename():
        session.lock_creation(changing=True)
        if narrow_filename():  # again: another run may have widened it meanwhile
            session.execute("meta/load_errors.widen_filename")
