"""A staging load, step by step, in one transaction: make room for the rows, COPY them in (on
either target: emulated_copy.py, redshift_copy.py), keep those of the days loaded, record the
load, and either report the table as written or fail the load, its record committed all the
same."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sparkify_assets.copyjson import LoadError
from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import StagingTable
from sparkify_assets.warehouse.bookkeeping import create_bookkeeping
from sparkify_assets.warehouse.copying import (
    CopyFailed,
    CopyOutcome,
    CopyRequest,
    CopyStatus,
    StagingCopy,
)
from sparkify_assets.warehouse.figures import state_of
from sparkify_assets.warehouse.session import Session, fit_text
from sparkify_assets.warehouse.table_state import TableState

FIRST_ERRORS_SHOWN = 5
FIRST_ERRORS_KEPT = 20


class LoadFailed(RuntimeError):
    """A staging load rejected as many records as MAXERROR fails a load at; nothing changed."""

    def __init__(self, message: str, outcome: CopyOutcome, first_errors: list[LoadError]) -> None:
        super().__init__(message)
        self.outcome = outcome
        self.first_errors = first_errors


@dataclass(frozen=True)
class StagingLoad:
    load_id: str
    source: str
    result: CopyOutcome
    table: TableState


def load_once(
    open_session: Callable[[], AbstractContextManager[Session]],
    staging_copy: StagingCopy,
    request: CopyRequest,
) -> StagingLoad:
    """One attempt at the load `request` asks for; LoadFailed over MAXERROR, CopyFailed when
    the COPY failed otherwise, either after the failed load's record is committed."""
    started = _now()
    with open_session() as session:
        _make_room(session, request)
        outcome = staging_copy.copy(session, request)
        outcome = _keep_what_belongs(session, request, outcome, started)
        staging_copy.record_rejections(
            session, outcome, request.load_id, started, request.table.name
        )
        _record_load(session, request, outcome, started)
        if outcome.committed:
            return _as_written(session, request, outcome)
        first_errors = _first_errors(session, request.load_id)
    # Raised after the block, so that the record of the failed load is committed.
    raise _failure(request, outcome, first_errors)


def _make_room(session: Session, request: CopyRequest) -> None:
    """The bookkeeping and the table made sure of, the table locked, the rows about to be
    loaded again deleted, and, for some days, the incoming table the COPY fills."""
    table = request.table
    create_bookkeeping(session)
    session.create(table)
    session.lock_for_rewrite(table)
    session.clear_for_rewrite(table, request.days)
    if request.into != table.name:
        session.execute("staging/incoming.create", incoming=request.into, table=table.name)


def _keep_what_belongs(
    session: Session, request: CopyRequest, outcome: CopyOutcome, started: datetime
) -> CopyOutcome:
    """After the COPY: the table's indexes built again, and the rows of the days loaded kept
    (those of other days set aside); after a failure, the bookkeeping made again, as the
    rollback took it with the load if the load made it."""
    session.restore_indexes(request.table)
    if not outcome.committed:
        create_bookkeeping(session)
    elif request.days.bounded:
        return keep_days(
            session, request.table, request.into, request.days, outcome, request.load_id, started
        )
    return outcome


def _record_load(
    session: Session, request: CopyRequest, outcome: CopyOutcome, started: datetime
) -> None:
    """The load's row of load_history and, when it committed, its JSON keys that filled no
    column (its rejected records are the COPY's own to record)."""
    if outcome.committed:
        record_unmapped_keys(session, outcome, request.load_id, request.table.name)
    days = request.days
    session.execute(
        "meta/load_history.insert",
        {
            "load_id": request.load_id,
            "tbl_name": request.table.name,
            "source": outcome.source,
            "status": "committed" if outcome.committed else "failed",
            "started_at": started,
            "finished_at": _now(),
            "files": outcome.files,
            "records_read": outcome.records_read,
            "rows_loaded": outcome.rows_loaded,
            "rejected": outcome.rejected + outcome.set_aside,
            "maxerror": request.maxerror,
            "first_day": days.first if days.bounded else None,
            "last_day": days.last if days.bounded else None,
        },
    )


def _as_written(session: Session, request: CopyRequest, outcome: CopyOutcome) -> StagingLoad:
    """The committed load, with fresh statistics and the table's figures of the days loaded."""
    session.analyze(request.table, request.days, outcome.rows_loaded)
    state = state_of(session, request.table, request.days, request.load_id)
    return StagingLoad(request.load_id, outcome.source, outcome, state)


def _first_errors(session: Session, load_id: str) -> list[LoadError]:
    rows = session.fetch_all(
        "meta/first_load_errors", {"load_id": load_id, "limit": FIRST_ERRORS_KEPT}
    )
    return [LoadError(*row) for row in rows]


def _failure(
    request: CopyRequest, outcome: CopyOutcome, first_errors: list[LoadError]
) -> LoadFailed | CopyFailed:
    table, maxerror = request.table, request.maxerror
    shown = [f"  - {error.describe()}" for error in first_errors[:FIRST_ERRORS_SHOWN]]
    if outcome.status is CopyStatus.OVER_MAXERROR:
        return LoadFailed(
            f"Load into {table.name} stopped: {outcome.rejected:,} rejected records, and "
            f"MAXERROR {maxerror} fails a load at {max(maxerror, 1):,} (set SPARKIFY_MAXERROR "
            "above the number of bad records to load the good rows anyway). "
            f"The table is unchanged; every rejected record is in load_errors.\n"
            "First rejected records:\n" + "\n".join(shown),
            outcome,
            first_errors,
        )
    return CopyFailed(
        f"COPY into {table.name} from {outcome.source} failed: {outcome.failure}"
        + "".join(f"\n{line}" for line in shown)
    )


def keep_days(
    session: Session,
    table: StagingTable,
    loaded_into: str,
    days: Days,
    outcome: CopyOutcome,
    load_id: str,
    started: datetime,
) -> CopyOutcome:
    """Keep the loaded rows of the loaded days; set aside, as rejected, rows of other days (or
    of none), which reloading their own day would otherwise duplicate.

    A load of some days went into its own `loaded_into` table, whose rows of those days are
    added to the table (their old rows were deleted when the load began). A load of every day
    of the partitions went straight into the emptied table, so only the few rows of no such day
    leave it: that saves copying every row a second time.
    """
    assert table.day_column is not None
    column = table.day_column.name
    parameters = days.parameters(table.day_column)
    counted = session.fetch_one(
        "staging/count_outside_days", parameters, loaded=loaded_into, column=column
    )
    set_aside = counted[0] if counted else 0
    if set_aside:
        session.execute(
            "staging/reject_outside_days",
            {
                **parameters,
                "load_id": load_id,
                "starttime": started,
                "tbl_name": table.name,
                "filename": fit_text(
                    outcome.source, session.text_widths("load_errors")["filename"], session.target
                ),
                "colname": column,
                "days": str(days),
            },
            loaded=loaded_into,
            column=column,
        )
    if loaded_into == table.name:
        if set_aside:
            session.execute(
                "staging/delete_outside_days", parameters, table=table.name, column=column
            )
    else:
        session.execute(
            "staging/keep_days", parameters, table=table.name, incoming=loaded_into, column=column
        )
    return replace(outcome, rows_loaded=outcome.rows_loaded - set_aside, set_aside=set_aside)


def record_unmapped_keys(session: Session, outcome: CopyOutcome, load_id: str, table: str) -> None:
    """One row of load_unmapped_keys per key the load saw that filled no column, written with
    the load, so the `new_json_keys` check compares it with the loads before."""
    if not outcome.unmapped_keys:
        return
    widths = session.text_widths("load_unmapped_keys")
    for found in outcome.unmapped_keys:
        session.execute(
            "meta/load_unmapped_keys.insert",
            {
                "load_id": load_id,
                "tbl_name": table,
                "json_key": fit_text(found.key, widths["json_key"], session.target),
                "records": found.records,
                "example_file": fit_text(
                    found.example_file, widths["example_file"], session.target
                ),
                "example_line": found.example_line,
            },
        )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
