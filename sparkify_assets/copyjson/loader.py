"""Load JSON files into a PostgreSQL table as Redshift's `COPY … FORMAT AS JSON` would.

Files are read and converted in parallel (`parallel`) and their rows stream into one
`COPY … FROM STDIN`, so memory stays flat however large the input. Bad records become
`LoadError`s, like rows of SYS_LOAD_ERROR_DETAIL; once there are as many as `load_fails` says
Redshift stops at, the load stops. The keys of loaded records that fill no column are counted
on the way (`drift`), merged from every batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sparkify_assets.copyjson.batches import Batch, JsonFormat, LoadError
from sparkify_assets.copyjson.convert import Column
from sparkify_assets.copyjson.drift import UnmappedKey, UnmappedKeys
from sparkify_assets.copyjson.parallel import LocalFiles, RemoteFiles, parallel_batches

PROGRESS_EVERY_SECONDS = 2.0


def load_fails(rejected: int, maxerror: int) -> bool:
    """Redshift's MAXERROR rule, for both targets: "If the load returns the error_count number
    of errors or greater, the load fails. If the load returns fewer errors, it continues"
    (https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html#copy-maxerror).
    So MAXERROR N tolerates N - 1 rejected records, and "Set this value to 0 or 1 if you want
    the load to fail as soon as the first error occurs" (same page): 0, the default, and 1 both
    tolerate none.
    `sparkify redshift preflight` checks this boundary on the user's own cluster.
    """
    return rejected > 0 and rejected >= maxerror


@dataclass
class LoadProgress:
    files_total: int
    files_done: int = 0
    records_read: int = 0
    rows_loaded: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def describe(self, errors: int) -> str:
        rate = self.rows_loaded / self.elapsed if self.elapsed > 0 else 0.0
        left = ""
        if 0 < self.files_done < self.files_total:
            remaining = self.elapsed * (self.files_total - self.files_done) / self.files_done
            left = f", about {remaining:.0f} s left"
        return (
            f"{self.files_done:,}/{self.files_total:,} files, {self.rows_loaded:,} rows, "
            f"{errors:,} rejected, {rate:,.0f} rows/s{left}"
        )


@dataclass
class LoadResult:
    files: int
    records_read: int
    rows_loaded: int
    errors: list[LoadError]
    exceeded_maxerror: bool
    seconds: float
    unmapped_keys: list[UnmappedKey] = field(default_factory=list)


def load_json_files(
    cursor: Any,
    copy_statement: str,
    columns: Sequence[Column],
    files: Sequence[str],
    reader: LocalFiles | RemoteFiles,
    json_format: JsonFormat,
    maxerror: int,
    report: Callable[[str], None] | None = None,
) -> LoadResult:
    """Stream every record of `files` into the table that `copy_statement` (COPY … FROM STDIN)
    fills. Nothing is committed here: the caller owns the transaction."""
    batches = parallel_batches(files, reader, json_format, columns)
    stream = _CopyStream(batches, maxerror, LoadProgress(files_total=len(files)), report)
    try:
        cursor.copy_expert(copy_statement, stream, size=1 << 20)
    except Exception:
        # psycopg2 reports a failure inside read() as a cancelled COPY; raise the real cause.
        if stream.failure is not None:
            raise stream.failure from None
        raise
    finally:
        stream.close()
    if not stream.exceeded_maxerror and cursor.rowcount != stream.progress.rows_loaded:
        raise RuntimeError(
            f"COPY stored {cursor.rowcount} rows but {stream.progress.rows_loaded} were sent"
        )
    if report is not None:
        report(stream.progress.describe(len(stream.errors)))
    return LoadResult(
        files=len(files),
        records_read=stream.progress.records_read,
        rows_loaded=stream.progress.rows_loaded,
        errors=sorted(stream.errors, key=lambda error: (error.filename, error.line_number)),
        exceeded_maxerror=stream.exceeded_maxerror,
        seconds=stream.progress.elapsed,
        unmapped_keys=stream.unmapped.found(),
    )


class _CopyStream:
    """The file-like object psycopg2's copy_expert reads: batches in, COPY text out."""

    def __init__(
        self,
        batches: Iterator[Batch],
        maxerror: int,
        progress: LoadProgress,
        report: Callable[[str], None] | None,
    ) -> None:
        self._batches = batches
        self._maxerror = maxerror
        self._report = report
        self._last_report = time.monotonic()
        self.progress = progress
        self.errors: list[LoadError] = []
        self.unmapped = UnmappedKeys()
        self.exceeded_maxerror = False
        self.failure: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        try:
            return self._next_data()
        except BaseException as error:
            self.failure = error
            raise

    def _next_data(self) -> bytes:
        if self.exceeded_maxerror:
            return b""
        for batch in self._batches:
            self.progress.records_read += batch.records
            self.progress.rows_loaded += batch.rows
            self.progress.files_done += batch.files_done
            self.errors.extend(batch.errors)
            if batch.unmapped:
                self.unmapped.merge(batch.unmapped)
            self._maybe_report()
            if load_fails(len(self.errors), self._maxerror):
                self.exceeded_maxerror = True  # end the COPY here; the caller rolls back
                return b""
            if batch.data:
                return batch.data
        return b""

    def _maybe_report(self) -> None:
        now = time.monotonic()
        if self._report is not None and now - self._last_report >= PROGRESS_EVERY_SECONDS:
            self._last_report = now
            self._report(self.progress.describe(len(self.errors)))

    def close(self) -> None:
        close = getattr(self._batches, "close", None)
        if close is not None:
            close()
