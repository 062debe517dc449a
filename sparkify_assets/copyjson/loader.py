"""Load JSON files into a PostgreSQL table as Redshift's `COPY … FORMAT AS JSON` would.

Files are read and converted by a few threads (S3 reads overlap; local reads stay cheap) and
their rows stream into one `COPY … FROM STDIN` through a bounded queue, so memory stays flat
however large the input. Bad records become `LoadError`s, like rows of STL_LOAD_ERRORS; once
there are more than MAXERROR of them the load stops, as Redshift's does.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import IO, Any

from .convert import ERR_PARSE, Column, ConversionError, converter_for
from .mapping import Getter, auto_getters, jsonpaths_getters, parse_jsonpaths
from .records import iter_lines, iter_records, read_chunks

OpenFile = Callable[[str], AbstractContextManager[IO[bytes]]]
BATCH_ROWS = 5_000
RAW_LINE_CHARS = 1024  # STL_LOAD_ERRORS.raw_line is CHAR(1024)
PROGRESS_EVERY_SECONDS = 2.0


@dataclass(frozen=True)
class LoadError:
    """One rejected record: where it was, which column, and why."""

    filename: str
    line_number: int
    err_code: int
    err_reason: str
    raw_line: str = ""
    colname: str | None = None
    type: str | None = None
    raw_field_value: str | None = None

    def describe(self) -> str:
        column = f", column {self.colname}" if self.colname else ""
        return f"{self.filename} line {self.line_number}{column}: {self.err_reason}"


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


@dataclass(frozen=True)
class JsonFormat:
    """`FORMAT AS JSON 'auto'` or `FORMAT AS JSON '<jsonpaths file>'`."""

    jsonpaths_name: str | None = None  # None means 'auto'
    jsonpaths_document: bytes | None = None

    def getters(self, columns: Sequence[Column]) -> list[Getter]:
        names = [column.name for column in columns]
        if self.jsonpaths_name is None:
            return auto_getters(names)
        steps = parse_jsonpaths(self.jsonpaths_document or b"", self.jsonpaths_name)
        return jsonpaths_getters(steps, names, self.jsonpaths_name)


@dataclass
class _Batch:
    data: bytes
    rows: int
    records: int
    errors: list[LoadError]
    file_done: bool


def load_json_files(
    cursor: Any,
    copy_statement: str,
    columns: Sequence[Column],
    files: Sequence[str],
    open_file: OpenFile,
    json_format: JsonFormat,
    maxerror: int,
    workers: int = 4,
    report: Callable[[str], None] | None = None,
) -> LoadResult:
    """Stream every record of `files` into the table that `copy_statement` (COPY … FROM STDIN)
    fills. Nothing is committed here: the caller owns the transaction."""
    getters = json_format.getters(columns)
    converters = [converter_for(column) for column in columns]
    stream = _CopyStream(
        _parallel_batches(files, open_file, columns, getters, converters, workers),
        maxerror,
        LoadProgress(files_total=len(files)),
        report,
    )
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
    )


class _CopyStream:
    """The file-like object psycopg2's copy_expert reads: batches in, COPY text out."""

    def __init__(
        self,
        batches: Iterator[_Batch],
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
            self.progress.files_done += batch.file_done
            self.errors.extend(batch.errors)
            self._maybe_report()
            if len(self.errors) > self._maxerror:
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


def _parallel_batches(
    files: Sequence[str],
    open_file: OpenFile,
    columns: Sequence[Column],
    getters: Sequence[Getter],
    converters: Sequence[Any],
    workers: int,
) -> Iterator[_Batch]:
    """Batches from all files, converted by worker threads, through a bounded queue."""
    pending: queue.SimpleQueue[str] = queue.SimpleQueue()
    for name in files:
        pending.put(name)
    results: queue.Queue[_Batch | BaseException | None] = queue.Queue(maxsize=2 * workers)
    stop = threading.Event()

    def put(item: _Batch | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                results.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            while not stop.is_set():
                try:
                    name = pending.get_nowait()
                except queue.Empty:
                    break
                with open_file(name) as handle:
                    for batch in _file_batches(name, handle, columns, getters, converters):
                        if not put(batch):
                            return
        except BaseException as error:  # handed to the reading thread, which re-raises it
            put(error)
        finally:
            put(None)

    threads = [
        threading.Thread(target=work, name=f"copyjson-{index}", daemon=True)
        for index in range(max(1, min(workers, len(files))))
    ]
    for thread in threads:
        thread.start()
    try:
        running = len(threads)
        while running:
            item = results.get()
            if item is None:
                running -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                yield item
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def _file_batches(
    name: str,
    handle: IO[bytes],
    columns: Sequence[Column],
    getters: Sequence[Getter],
    converters: Sequence[Any],
) -> Iterator[_Batch]:
    fields = list(zip(columns, getters, converters, strict=True))
    lines: list[str] = []
    errors: list[LoadError] = []
    records = 0
    for record in iter_records(iter_lines(read_chunks(handle))):
        records += 1
        if record.error is not None:
            errors.append(
                LoadError(name, record.line_number, ERR_PARSE, record.error, _raw_line(record.raw))
            )
        else:
            row = _convert(name, record.line_number, record.value, record.raw, fields, errors)
            if row is not None:
                lines.append(row)
        if len(lines) >= BATCH_ROWS:
            yield _Batch(_encode(lines), len(lines), records, errors, file_done=False)
            lines, errors, records = [], [], 0
    yield _Batch(_encode(lines), len(lines), records, errors, file_done=True)


def _convert(
    name: str,
    line_number: int,
    value: Any,
    raw: bytes,
    fields: Sequence[tuple[Column, Getter, Any]],
    errors: list[LoadError],
) -> str | None:
    converted = []
    for column, get, convert in fields:
        field_value = get(value)
        try:
            converted.append(convert(field_value))
        except ConversionError as error:
            errors.append(
                LoadError(
                    name,
                    line_number,
                    error.code,
                    error.reason,
                    _raw_line(raw),
                    column.name,
                    column.data_type,
                    str(field_value)[:RAW_LINE_CHARS],
                )
            )
            return None
    return "\t".join(converted)


def _encode(lines: list[str]) -> bytes:
    if not lines:
        return b""
    return ("\n".join(lines) + "\n").encode("utf-8")


def _raw_line(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
    return text[:RAW_LINE_CHARS]
