"""Split a JSON data file into records the way Redshift's COPY … JSON reads it.

A file holds JSON objects (or arrays) one after another, usually one per line, sometimes spread
over several lines or several on one line. Every record keeps the line it starts on, so that a
rejected one can be reported as Redshift's STL_LOAD_ERRORS does: file, line, reason.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Generator, Iterable, Iterator
from itertools import chain
from typing import Any

import orjson

from sparkify_assets.copyjson.convert import JsonNumber

MAX_RECORD_BYTES = 4 * 1024 * 1024  # Redshift's limit for one JSON object
READ_CHUNK_BYTES = 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"
_QUOTE, _BACKSLASH, _NEWLINE = 0x22, 0x5C, 0x0A
_OPENERS, _CLOSERS = b"{[", b"}]"


def read_chunks(stream: Any) -> Iterator[bytes]:
    """The bytes of a binary stream (a file or an S3 body) in chunks of a fixed size."""
    while chunk := stream.read(READ_CHUNK_BYTES):
        yield chunk


def iter_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Lines of a byte stream without their line breaks, in bounded memory.

    A line longer than Redshift's 4 MB record limit is cut just past the limit (it will be
    rejected for its size anyway), so one endless line can't exhaust memory.
    """
    pending: list[bytes] = []  # the unfinished line, in pieces, at most ~4 MB + one chunk
    pending_size = 0
    for chunk in chunks:
        if b"\n" not in chunk:
            if pending_size <= MAX_RECORD_BYTES:
                pending.append(chunk)
                pending_size += len(chunk)
            continue
        lines = chunk.split(b"\n")
        if pending:
            head = b"" if pending_size > MAX_RECORD_BYTES else lines[0]
            lines[0] = b"".join(pending) + head
        tail = lines.pop()
        yield from lines
        pending, pending_size = [tail], len(tail)
    if pending_size:
        yield b"".join(pending)


RecordFields = tuple[int, Any, str | None, bytes]


def iter_records(lines: Iterable[bytes]) -> Iterator[RecordFields]:
    """The records in a file's lines, each (line_number, value, error, raw): a JSON value, or
    the reason a stretch of the file is not one. A file with no record at all is one error, at
    line 0. Plain tuples: the loader's hot loop reads a million of them."""
    numbered = _numbered(lines)
    found_any = False
    while True:
        for line_number, line in numbered:
            if len(line) > MAX_RECORD_BYTES:
                if line.strip(_WHITESPACE):
                    found_any = True
                    yield _parse(line_number, line)
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError:
                if not line.strip(_WHITESPACE):
                    continue  # a blank line
                found_any = True
                # Not one whole value on this line: several values, one value over several
                # lines, or a broken one. The byte-by-byte path tells them apart.
                pushed_back = yield from _scan(line_number, line, numbered)
                if pushed_back is not None:
                    numbered = chain((pushed_back,), numbered)
                    break  # go on from the line the scan gave back
                continue
            found_any = True
            yield (
                (line_number, value, None, line)
                if type(value) is dict
                else _classify(line_number, value, line)
            )
        else:
            break
    if not found_any:
        yield (0, None, "file is empty: it holds no JSON record", b"")


def _numbered(lines: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """The lines with their numbers, the BOM removed from the first."""
    numbered = enumerate(lines, start=1)
    first = next(numbered, None)
    if first is None:
        return numbered
    return chain(((1, first[1].removeprefix(_BOM)),), numbered)


def exact_loads(raw: bytes) -> Any:
    """The record's value with every number kept as the file's text (a `JsonNumber`), which
    orjson's ints and floats lose (`1E2`, `1.50`, `-0`, digits past 64 bits, `1e400`). The
    standard library's decoder, slower, for the few records that need it. Raises ValueError
    (with the reason) for what is not JSON, as orjson would."""
    try:
        value = json.loads(
            raw.decode("utf-8"),
            parse_int=JsonNumber,
            parse_float=JsonNumber,
            parse_constant=_not_json,
        )
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply") from None
    # The standard library takes a lone surrogate escape (`"\ud800"`), which is not text and
    # which orjson refuses; orjson also refuses to write one, so writing the value tells.
    try:
        orjson.dumps(value)
    except orjson.JSONEncodeError as error:
        raise ValueError(f"invalid JSON: {error}") from None
    return value


def _not_json(constant: str) -> Any:
    raise ValueError(f"invalid JSON: {constant} is not a JSON value")


def decode(raw: bytes) -> Any:
    """The record's value as orjson reads it; where orjson refuses valid JSON (a number beyond a
    double's range, `1e400`), its exact value. Raises orjson.JSONDecodeError for invalid JSON."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:
            return exact_loads(raw)
        except ValueError:
            pass
        raise


def _classify(line_number: int, value: Any, raw: bytes) -> RecordFields:
    if isinstance(value, dict | list):
        return (line_number, value, None, raw)
    return (line_number, None, "not a JSON object or array", raw)


def _parse(line_number: int, raw: bytes) -> RecordFields:
    if len(raw) > MAX_RECORD_BYTES:
        reason = f"JSON record of {len(raw):,} bytes is over Redshift's 4 MB limit"
        return (line_number, None, reason, raw[:1024])
    try:
        return _classify(line_number, decode(raw), raw)
    except orjson.JSONDecodeError as error:
        return (line_number, None, _describe_invalid(raw, error), raw)


def _describe_invalid(raw: bytes, error: orjson.JSONDecodeError) -> str:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"invalid UTF-8: byte 0x{raw[bad.start]:02x} at byte {bad.start + 1} of the record"
    return f"invalid JSON: {error.msg} at character {error.pos + 1}"


def _is_whole_record(line: bytes) -> bool:
    try:
        return isinstance(orjson.loads(line), dict | list)
    except orjson.JSONDecodeError:
        return False


def _starts_new_record(open_containers: bytearray, open_text: bytes, line: bytes) -> bool:
    """Whether a whole-record line that follows an unfinished value begins a record of its own.

    JSON's grammar decides: the line continues the open value only where a value may come next,
    after `:`, after `[`, or after `,` inside an array. Anywhere else (a key is due, or the value
    just ended) a line starting with `{` or `[` can't continue it, so the open value was cut off.
    """
    if not _is_whole_record(line):
        return False
    last = open_text.rstrip(_WHITESPACE)[-1:]
    value_due = last in (b":", b"[") or (last == b"," and open_containers[-1:] == b"[")
    return not value_due


def _scan(
    line_number: int, line: bytes, source: Iterator[tuple[int, bytes]]
) -> Generator[RecordFields, None, tuple[int, bytes] | None]:
    """The records in a line that is not one whole value, taking more lines while one is open.

    A value left open at a line's end continues on the next line, unless that line starts a new
    record (see `_starts_new_record`): then the open value was truncated, and is reported at its
    own line while the next line loads as usual. A raw line break inside a string is never
    valid JSON, so it ends a broken record there. Scanning only moves forward, so a long record
    costs linear time. Returns the line it read but did not use, if any.
    """
    buffer = line
    line_offsets = [0]  # where each line of the buffer starts …
    line_numbers = [line_number]  # … and its number in the file
    start: int | None = None  # where the open value starts in the buffer
    open_containers = bytearray()  # the opening brackets not yet closed, innermost last
    in_string = escaped = False
    position = 0

    def line_of(offset: int) -> int:
        return line_numbers[bisect_right(line_offsets, offset) - 1]

    while True:
        while position < len(buffer):
            byte = buffer[position]
            if start is None:
                if byte in _WHITESPACE:
                    position += 1
                    continue
                if byte not in _OPENERS:  # a scalar or stray text: the rest of its line
                    end = buffer.find(b"\n", position)
                    end = len(buffer) if end < 0 else end
                    yield _parse(line_of(position), buffer[position:end])
                    position = end
                    continue
                start = position
            if in_string:
                if escaped:
                    escaped = False
                elif byte == _BACKSLASH:
                    escaped = True
                elif byte == _QUOTE:
                    in_string = False
                elif byte == _NEWLINE:
                    yield _parse(line_of(start), buffer[start:position])
                    start, in_string = None, False
                    open_containers.clear()
            elif byte == _QUOTE:
                in_string = True
            elif byte in _OPENERS:
                open_containers.append(byte)
            elif byte in _CLOSERS:
                if open_containers:
                    open_containers.pop()
                if not open_containers:
                    yield _parse(line_of(start), buffer[start : position + 1])
                    start = None
            position += 1
        if start is None:
            return None
        following = next(source, None)
        if (
            following is None
            or len(buffer) - start > MAX_RECORD_BYTES
            or _starts_new_record(open_containers, buffer[-64:], following[1])
        ):
            yield _parse(line_of(start), buffer[start:])
            return following
        line_offsets.append(len(buffer) + 1)
        line_numbers.append(following[0])
        buffer += b"\n" + following[1]
