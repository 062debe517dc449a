"""One JSON data file → batches of COPY text rows and the records it rejects.

This is the per-file half of the COPY emulation, shared by the thread pool (S3 sources) and the
worker processes (local files) that `loader` runs; it has no state beyond one file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from sparkify_assets.copyjson.convert import (
    ERR_PARSE,
    NULL,
    Column,
    ConversionError,
    as_text,
    converter_for,
    fast_converter_for,
    needs_escaping,
)
from sparkify_assets.copyjson.drift import UnmappedKeys
from sparkify_assets.copyjson.fused import fused_row
from sparkify_assets.copyjson.mapping import (
    Getter,
    JsonPath,
    auto_getters,
    jsonpaths_getters,
    parse_jsonpaths,
    single_keys,
    top_level_keys,
)
from sparkify_assets.copyjson.records import (
    decode,
    exact_loads,
    iter_lines,
    iter_records,
    read_chunks,
)

BATCH_ROWS = 5_000
RAW_LINE_CHARS = 1024  # STL_LOAD_ERRORS.raw_line is CHAR(1024)
_SPECIAL_BYTES = b"\t\n\\\r\x00"  # what COPY text escapes, and NUL, which it can't hold


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
    """Rows ready for COPY (tab-separated text), and what reading them found: the rejected
    records, and the keys of the loaded ones that map to no column (None: none)."""

    data: bytes
    rows: int
    records: int
    errors: list[LoadError]
    files_done: int
    unmapped: UnmappedKeys | None = None


class RowEncoder:
    """A table's columns, how each is found in a record, and how each is converted."""

    def __init__(
        self,
        columns: Sequence[Column],
        getters: Sequence[Getter],
        keys: Sequence[str] | None,
        mapped_keys: frozenset[str],
        truncate_columns: bool = False,
    ) -> None:
        self.columns = list(columns)
        self.getters = list(getters)
        self.keys = list(keys) if keys is not None else None  # set when every path is one key
        self.mapped_keys = mapped_keys  # the record keys some column reads (drift.py)
        self.converters = [converter_for(column, truncate_columns) for column in columns]
        fast_converters = [fast_converter_for(c, truncate_columns) for c in columns]
        # The record's line, unescaped: only for a batch `clean` finds needs no escaping.
        self.unescaped_line = fused_row(columns, fast_converters, self.getters, self.keys)

    def values(self, record: Any) -> list[Any]:
        if self.keys is not None and type(record) is dict:
            return list(map(record.get, self.keys))
        return [get(record) for get in self.getters]

    def encode(self, name: str, line_number: int, record: Any, raw: bytes) -> str | LoadError:
        """The record as one COPY text line (no line break), or the reason it is rejected."""
        if not needs_escaping(raw):
            try:
                return self.unescaped_line(record)[0][:-1]
            except ConversionError:
                pass
        exact = self.exact_line(name, line_number, raw)
        return exact if isinstance(exact, LoadError) else exact[0][:-1]

    def exact_line(self, name: str, line_number: int, raw: bytes) -> tuple[str, int] | LoadError:
        """The record's line (escaped, line break included) and its NULLs, by the full rules
        from the raw record decoded again with every number as the file writes it; or the first
        thing refused, as Redshift reports it, quoting the file's text. The slow path: for the
        records the row function refuses or that need escaping."""
        try:
            values = self.values(exact_loads(raw))
        except ConversionError as error:  # not an object under 'auto'
            return LoadError(name, line_number, error.code, error.reason, raw_line(raw))
        except ValueError as error:  # JSON orjson took but the standard library can't nest
            return LoadError(name, line_number, ERR_PARSE, str(error), raw_line(raw))
        fields = []
        for column, convert, value in zip(self.columns, self.converters, values, strict=True):
            try:
                fields.append(convert(value))
            except ConversionError as error:
                return LoadError(
                    name,
                    line_number,
                    error.code,
                    error.reason,
                    raw_line(raw),
                    column.name,
                    column.data_type,
                    as_text(value)[:RAW_LINE_CHARS],
                )
        return "\t".join(fields) + "\n", fields.count(NULL)

    def clean(self, data: bytes, rows: int, nulls: int) -> bool:
        """Whether `rows` unescaped lines holding `nulls` NULLs need no escaping: no backslash
        but the NULLs' own, no CR or NUL, no tab or line break beyond the separators. A value
        can only add to these bytes (UTF-8 never uses them inside a character), so counting
        them all in one pass at C speed is enough."""
        separators = rows * len(self.columns)  # the tabs between fields and the line breaks
        return len(data) - len(data.translate(None, _SPECIAL_BYTES)) == separators + nulls


@dataclass(frozen=True)
class JsonFormat:
    """`FORMAT AS JSON 'auto'` or `FORMAT AS JSON '<jsonpaths file>'`, and whether text too
    long for its column is cut to fit (Redshift's TRUNCATECOLUMNS) instead of rejected."""

    jsonpaths_name: str | None = None  # None means 'auto'
    jsonpaths_document: bytes | None = None
    truncate_columns: bool = False

    def encoder(self, columns: Sequence[Column]) -> RowEncoder:
        """How to fill the columns. A JSONPaths file whose object isn't named "jsonpaths" is
        ignored for 'auto', as Redshift does, with a `mapping.JsonPathsIgnored` warning."""
        names = [column.name for column in columns]
        paths = self._paths()
        if paths is None:
            return RowEncoder(
                columns, auto_getters(names), names, frozenset(names), self.truncate_columns
            )
        getters = jsonpaths_getters(paths, names, self.jsonpaths_name or "")
        return RowEncoder(
            columns, getters, single_keys(paths), top_level_keys(paths), self.truncate_columns
        )

    def mapped_keys(self, column_names: Sequence[str]) -> frozenset[str]:
        """The record keys that fill some column: the JSONPaths' first steps, or under 'auto'
        the column names themselves (matched case and all, as `auto_getters` reads them)."""
        paths = self._paths()
        return frozenset(column_names) if paths is None else top_level_keys(paths)

    def _paths(self) -> list[JsonPath] | None:
        if self.jsonpaths_name is None:
            return None
        return parse_jsonpaths(self.jsonpaths_document or b"", self.jsonpaths_name)


def file_batches(name: str, handle: IO[bytes], encoder: RowEncoder) -> Iterator[Batch]:
    """The file's rows in batches of at most BATCH_ROWS rows or rejections, each with the
    unmapped keys of its rows; the last one marks the file done."""
    pending = _PendingRows(name, encoder)
    unescaped_line, errors = encoder.unescaped_line, pending.errors
    rows, raws, line_numbers = pending.rows, pending.raws, pending.line_numbers
    all_mapped = encoder.mapped_keys.issuperset
    nulls = 0
    for line_number, value, error, raw in iter_records(iter_lines(read_chunks(handle))):
        if error is not None:
            errors.append(LoadError(name, line_number, ERR_PARSE, error, raw_line(raw)))
        else:
            try:
                line, line_nulls, only_read = unescaped_line(value)
            except ConversionError:
                nulls += pending.add_exact(line_number, raw, value)
            else:
                rows.append(line)
                raws.append(raw)
                line_numbers.append(line_number)
                nulls += line_nulls
                # UnmappedKeys.see, inlined, for a record the row function can't vouch for.
                if not only_read and type(value) is dict and not all_mapped(value):
                    pending.unmapped.count(value, name, line_number)
        if len(rows) >= BATCH_ROWS or len(errors) >= BATCH_ROWS:
            yield pending.take(nulls, files_done=0)
            errors, nulls = pending.errors, 0
    yield pending.take(nulls, files_done=1)


class _PendingRows:
    """One file's rows not yet in a batch, each with its record, in case it needs escaping,
    and their unmapped keys."""

    def __init__(self, name: str, encoder: RowEncoder) -> None:
        self.name, self.encoder = name, encoder
        self.rows: list[str] = []
        self.raws: list[bytes] = []
        self.line_numbers: list[int] = []
        self.errors: list[LoadError] = []
        self.unmapped = UnmappedKeys(encoder.mapped_keys)

    def add_exact(self, line_number: int, raw: bytes, record: Any) -> int:
        """Add the record by `RowEncoder.exact_line`, as a row or a rejection; its NULLs."""
        exact = self.encoder.exact_line(self.name, line_number, raw)
        if isinstance(exact, LoadError):
            self.errors.append(exact)
            return 0
        self.rows.append(exact[0])
        self.raws.append(raw)
        self.line_numbers.append(line_number)
        self.unmapped.see(record, self.name, line_number)
        return exact[1]

    def take(self, nulls: int, files_done: int) -> Batch:
        """The pending rows, which hold `nulls` NULLs, as one batch (written again if it needs
        escaping); the row lists are emptied in place, the errors go with the batch."""
        records = len(self.rows) + len(self.errors)  # each record is a row or a rejection
        data = "".join(self.rows).encode("utf-8")
        if not self.encoder.clean(data, len(self.rows), nulls):
            self._escape()
            data = "".join(self.rows).encode("utf-8")
        unmapped = self.unmapped or None
        batch = Batch(data, len(self.rows), records, self.errors, files_done, unmapped)
        self.rows.clear()
        self.raws.clear()
        self.line_numbers.clear()
        self.errors = []
        if unmapped is not None:
            self.unmapped = UnmappedKeys(self.encoder.mapped_keys)
        return batch

    def _escape(self) -> None:
        """Write every row again by `RowEncoder.encode`, which escapes the records that need it
        and rejects one that holds a NUL; the unmapped keys are counted again, of the rows
        kept."""
        rows = []
        self.unmapped = UnmappedKeys(self.encoder.mapped_keys)
        for raw, line_number in zip(self.raws, self.line_numbers, strict=True):
            record = decode(raw)
            line = self.encoder.encode(self.name, line_number, record, raw)
            if isinstance(line, LoadError):
                self.errors.append(line)
            else:
                rows.append(line + "\n")
                self.unmapped.see(record, self.name, line_number)
        self.rows[:] = rows
        self.errors.sort(key=lambda error: error.line_number)


def raw_line(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
    return text[:RAW_LINE_CHARS]
