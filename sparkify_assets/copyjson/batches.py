"""One JSON data file → batches of COPY text rows and the records it rejects.

This is the per-file half of the COPY emulation, shared by the thread pool (S3 sources) and the
worker processes (local files) that `loader` runs; it has no state beyond one file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import call
from typing import IO, Any

from .convert import (
    ERR_PARSE,
    Column,
    ConversionError,
    converter_for,
    fast_converter_for,
    needs_escaping,
)
from .mapping import Getter, auto_getters, jsonpaths_getters, parse_jsonpaths, single_keys
from .records import iter_lines, iter_records, read_chunks

BATCH_ROWS = 5_000
RAW_LINE_CHARS = 1024  # STL_LOAD_ERRORS.raw_line is CHAR(1024)


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
class Batch:
    """Rows ready for COPY (tab-separated text), and what reading them found."""

    data: bytes
    rows: int
    records: int
    errors: list[LoadError]
    files_done: int


class RowEncoder:
    """A table's columns, how each is found in a record, and how each is converted."""

    def __init__(
        self,
        columns: Sequence[Column],
        getters: Sequence[Getter],
        keys: Sequence[str] | None,
        truncate_columns: bool = False,
    ) -> None:
        self.columns = list(columns)
        self.getters = list(getters)
        self.keys = list(keys) if keys is not None else None  # set when every path is one key
        self.converters = [converter_for(column, truncate_columns) for column in columns]
        self.fast_converters = [fast_converter_for(c, truncate_columns) for c in columns]

    def values(self, record: Any) -> list[Any]:
        if self.keys is not None and type(record) is dict:
            return list(map(record.get, self.keys))
        return [get(record) for get in self.getters]

    def encode(self, name: str, line_number: int, record: Any, raw: bytes) -> str | LoadError:
        """The record as one COPY text line, or the reason it is rejected."""
        values = self.values(record)
        converters = self.converters if needs_escaping(raw) else self.fast_converters
        try:
            return "\t".join(map(call, converters, values))
        except ConversionError:
            return self._rejection(name, line_number, values, raw)

    def _rejection(self, name: str, line_number: int, values: list[Any], raw: bytes) -> LoadError:
        for column, convert, value in zip(self.columns, self.converters, values, strict=True):
            try:
                convert(value)
            except ConversionError as error:
                return LoadError(
                    name,
                    line_number,
                    error.code,
                    error.reason,
                    raw_line(raw),
                    column.name,
                    column.data_type,
                    str(value)[:RAW_LINE_CHARS],
                )
        raise AssertionError("a fast converter refused a value the full rules accept")


@dataclass(frozen=True)
class JsonFormat:
    """`FORMAT AS JSON 'auto'` or `FORMAT AS JSON '<jsonpaths file>'`, and whether text too
    long for its column is cut to fit (Redshift's TRUNCATECOLUMNS) instead of rejected."""

    jsonpaths_name: str | None = None  # None means 'auto'
    jsonpaths_document: bytes | None = None
    truncate_columns: bool = False

    def encoder(self, columns: Sequence[Column]) -> RowEncoder:
        names = [column.name for column in columns]
        if self.jsonpaths_name is None:
            return RowEncoder(columns, auto_getters(names), names, self.truncate_columns)
        steps = parse_jsonpaths(self.jsonpaths_document or b"", self.jsonpaths_name)
        getters = jsonpaths_getters(steps, names, self.jsonpaths_name)
        return RowEncoder(columns, getters, single_keys(steps), self.truncate_columns)


def file_batches(name: str, handle: IO[bytes], encoder: RowEncoder) -> Iterator[Batch]:
    """The file's rows in batches of at most BATCH_ROWS rows or rejections; the last one marks
    the file done."""
    lines: list[str] = []
    errors: list[LoadError] = []
    records = 0
    for record in iter_records(iter_lines(read_chunks(handle))):
        records += 1
        if record.error is not None:
            errors.append(
                LoadError(name, record.line_number, ERR_PARSE, record.error, raw_line(record.raw))
            )
        else:
            row = encoder.encode(name, record.line_number, record.value, record.raw)
            if isinstance(row, LoadError):
                errors.append(row)
            else:
                lines.append(row)
        if len(lines) >= BATCH_ROWS or len(errors) >= BATCH_ROWS:
            yield Batch(encode_rows(lines), len(lines), records, errors, files_done=0)
            lines, errors, records = [], [], 0
    yield Batch(encode_rows(lines), len(lines), records, errors, files_done=1)


def encode_rows(lines: list[str]) -> bytes:
    if not lines:
        return b""
    return ("\n".join(lines) + "\n").encode("utf-8")


def raw_line(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
    return text[:RAW_LINE_CHARS]
