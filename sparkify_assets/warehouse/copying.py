"""What a staging COPY is asked and what it answers, on either target (emulated_copy.py for
PostgreSQL, redshift_copy.py for Redshift), in the same terms, so that recording a load and
failing it are done once (loading.py); and which files a COPY reads."""

from __future__ import annotations

import posixpath
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Protocol

from sparkify_assets.copyjson import JsonFormat, LoadError, load_fails
from sparkify_assets.copyjson.drift import UnmappedKey
from sparkify_assets.copyjson.mapping import JsonPathsIgnored, parse_jsonpaths
from sparkify_assets.model.days import Days, log_files_of
from sparkify_assets.model.tables import StagingTable
from sparkify_assets.warehouse.session import Session
from sparkify_assets.warehouse.source import RawSourceResource, SourceError, is_utf8

Report = Callable[[str], None]


class CopyFailed(RuntimeError):
    """Redshift's COPY failed for a reason other than rejected records (access, format, …)."""


class CopyStatus(Enum):
    """How a COPY ended, decided where it ended: by the emulation's stream, which stops at
    MAXERROR (copyjson.load_fails), or from Redshift's own account of a COPY it failed."""

    COMMITTED = "committed"
    OVER_MAXERROR = "over MAXERROR"  # rejected as many records as MAXERROR fails a load at
    FAILED = "failed"  # refused or failed for another reason: CopyOutcome.failure says which

    @classmethod
    def of_failed_copy(cls, rejected: int, maxerror: int) -> CopyStatus:
        """A COPY the server failed: over MAXERROR when its rejected records are as many as
        the MAXERROR rule fails a load at, else failed for a reason of its own."""
        return cls.OVER_MAXERROR if load_fails(rejected, maxerror) else cls.FAILED


@dataclass(frozen=True)
class CopyRequest:
    table: StagingTable
    source: RawSourceResource
    files: Sequence[str] | None  # keys under the source; None means every file under the prefix
    days: Days  # only the files of these days (by their names), unless the whole table
    maxerror: int
    truncate_columns: bool  # Redshift's TRUNCATECOLUMNS: cut text to fit its column
    load_id: str
    report: Report

    @property
    def into(self) -> str:
        """The table the COPY fills: the staging table, or, for some days, its incoming table,
        whose rows of those days are then added to it (loading.keep_days)."""
        return self.table.name if self.days.whole_table else f"{self.table.name}_incoming"

    def chosen_files(self) -> list[str]:
        """The explicit file list, each key normalised (`log_data/./2018/…` is `log_data/2018/…`,
        so a file named twice loads once) and refused, before anything is read, when it does
        not name a file of the table's prefix: `..` climbing out of it, an absolute path, a
        control character. Keys are read as written under the source, on disk as in S3."""
        table, keys = self.table, {}
        for key in self.files or ():
            normalised = posixpath.normpath(key) if key else ""
            if (
                not normalised.startswith(table.prefix)
                or not is_utf8(key)
                or key.startswith("/")
                or any(part == ".." for part in normalised.split("/"))
                or any(ord(character) < 32 or ord(character) == 127 for character in key)
            ):
                raise SourceError(
                    f"{key!r}: not a file under {table.prefix} of the source, so not one of "
                    f"{table.name}'s files (nothing was read)"
                )
            keys[normalised] = key
        return sorted(keys)

    def files_of_days(self, keys: Sequence[str]) -> list[str]:
        """The keys of the days' log files; SourceError when a key carries no day, or none is
        of those days."""
        table, source = self.table, self.source
        chosen, undated = log_files_of(keys, self.days)
        if undated:
            raise SourceError(
                f"{', '.join(source.uri(key) for key in undated[:3])}: a daily load of "
                f"{table.name} needs each file's day in its name (…/YYYY-MM-DD-events.json)"
            )
        if not chosen:
            raise SourceError(
                f"no files of {self.days} under {source.uri(table.prefix)}: nothing to load"
            )
        return chosen

    def json_format(self) -> JsonFormat:
        """The table's JSONPaths file, or 'auto' when it has none, or when its object is not
        named "jsonpaths": then Redshift's COPY ignores it, and the load says so
        (mapping.JsonPathsIgnored) and hands the workers 'auto' itself."""
        jsonpaths = self.table.jsonpaths
        if jsonpaths is None:
            return JsonFormat(truncate_columns=self.truncate_columns)
        document = self.source.read(jsonpaths)
        with warnings.catch_warnings(record=True) as ignored:
            warnings.simplefilter("always", JsonPathsIgnored)
            paths = parse_jsonpaths(document, jsonpaths)
        if paths is None:
            for warning in ignored:
                self.report(str(warning.message))
            return JsonFormat(truncate_columns=self.truncate_columns)
        return JsonFormat(jsonpaths, document, self.truncate_columns)


@dataclass(frozen=True)
class CopyOutcome:
    """What one COPY read and did. When it did not commit, its transaction has been rolled back
    and a fresh one begun, in which the failed load is recorded."""

    source: str  # the prefix or manifest the COPY read
    status: CopyStatus
    files: int
    records_read: int
    rows_loaded: int  # after a failure: rows read and rolled back (Redshift doesn't say: 0)
    rejected: int  # records the COPY rejected
    seconds: float
    failure: str | None = None  # why the COPY failed, in the server's words (Redshift)
    set_aside: int = 0  # loaded rows of days other than those loaded (rejected, not kept)
    rejected_records: list[LoadError] = field(default_factory=list)  # local: held in memory
    copy_query_id: int | None = None  # Redshift: the COPY's query_id in the SYS_LOAD_* views
    # JSON keys that filled no column: of every loaded record locally, of a sample on Redshift
    unmapped_keys: tuple[UnmappedKey, ...] = ()

    @property
    def committed(self) -> bool:
        return self.status is CopyStatus.COMMITTED


class StagingCopy(Protocol):
    def copy(self, session: Session, request: CopyRequest) -> CopyOutcome: ...

    def record_rejections(
        self, session: Session, outcome: CopyOutcome, load_id: str, started: datetime, table: str
    ) -> None: ...
