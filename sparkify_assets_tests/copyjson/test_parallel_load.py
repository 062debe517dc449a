"""The fast, parallel path of the COPY emulation changes nothing but speed: the shortcut
converts exactly as the full rules do, worker processes load what threads load, and a worker
that cannot do its job fails the load with a clear reason instead of shortening it."""

from __future__ import annotations

import io
import json
import os
import signal
import time
from pathlib import Path

import orjson
import pytest

from sparkify_assets.copyjson import (
    JsonFormat,
    LoadResult,
    LocalFiles,
    RemoteFiles,
    load_json_files,
    parallel,
)
from sparkify_assets.copyjson.batches import (
    BATCH_ROWS,
    Batch,
    LoadError,
    RowEncoder,
    file_batches,
)
from sparkify_assets.copyjson.convert import (
    Column,
    ConversionError,
    converter_for,
    fast_converter_for,
    needs_escaping,
)
from sparkify_assets.copyjson.parallel import WorkerFailed, parallel_batches
from sparkify_assets.model.tables import STAGING_TABLES
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets_tests.support.rawdata import event, log_files, song

EVENTS, SONGS = STAGING_TABLES
TS = 1541030400796  # 2018-11-01 00:00:00.796 UTC
COLUMNS = [
    Column("name", "character varying", 8),
    Column("count", "smallint"),
    Column("big", "bigint"),
    Column("share", "double precision"),
    Column("flag", "boolean"),
]
VALUES = [
    None, "", "0", "7", "007", "-5", "+5", " 12", "12 ", "32767", "32768", "99999", "1e3", "1.5",
    "9223372036854775807", "9223372036854775808", ".5", "NaN", "abc", "12345678", "123456789",
    "naïve", "ünïcødé!", "a\tb", "line\nbreak", "cr\rhere", "back\\slash", "nul\x00", "\x01",
    0, 7, -7, 32767, 32768, -32769, 2**63 - 1, 2**63, True, False, 1.5, -0.0, 1e300, 4.6,
    {"a": 1}, [1, 2], "t", "yes", "n",
]  # fmt: skip


def full_rules(columns: list[Column], values: list, truncate: bool = False) -> str | int:
    """The reference: each value through the full rule, or the code of the first refusal."""
    try:
        return "\t".join(
            converter_for(column, truncate)(value)
            for column, value in zip(columns, values, strict=True)
        )
    except ConversionError as error:
        return error.code


def encoded(encoder: RowEncoder, record: dict) -> str | int:
    """What the encoder makes of a record: its COPY line, or the code it is rejected with."""
    row = encoder.encode("f.json", 1, record, orjson.dumps(record))
    return row if isinstance(row, str) else row.err_code


@pytest.mark.parametrize("truncate", [False, True], ids=["rejecting", "truncatecolumns"])
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_the_shortcut_converts_every_value_exactly_as_the_full_rules_do(value, truncate):
    encoder = JsonFormat(truncate_columns=truncate).encoder(COLUMNS)
    for column in COLUMNS:
        record = {other.name: value if other is column else None for other in COLUMNS}
        expected = full_rules(COLUMNS, list(record.values()), truncate)
        assert encoded(encoder, record) == expected, column


@pytest.mark.parametrize(
    "value",
    [3.0, -3.0, 0.0, -0.0, 1e15, 9999999999999998.0, -9999999999999998.0, 1e16, -1e16, 1e17,
     2.0**53, 1533807552796.0, 0.5, 299.19476, 1e-7],
    ids=repr,
)  # fmt: skip
def test_whole_floats_are_written_as_repr_writes_them(value):
    """Whole floats (ms since 1970 in `registration`) skip repr()'s digit search; the text
    must still be repr()'s, exponent and negative zero included."""
    column = Column("share", "double precision")
    assert encoded(JsonFormat().encoder([column]), {"share": value}) == repr(value)


AWKWARD_TEXT = ["\\N", "a\\Nb", "\\", "\t\\N", "\\N\t", "x\x00\\N"]


@pytest.mark.parametrize("truncate", [False, True], ids=["rejecting", "truncatecolumns"])
def test_a_file_loads_every_value_as_the_full_rules_do_whatever_else_its_batch_holds(truncate):
    """Lines go out unescaped unless their batch holds a backslash that is no NULL's, a CR, a
    NUL or an extra tab or line break: each value, NULLs and plain values around it, in one
    file and in a file of its own."""
    encoder = JsonFormat(truncate_columns=truncate).encoder(COLUMNS)
    records = [
        {other.name: value if other is column else None for other in COLUMNS}
        for value in VALUES + AWKWARD_TEXT
        for column in COLUMNS
    ]
    records = [dict(record, name="plain") if i % 3 else record for i, record in enumerate(records)]
    for chosen in [records, *([record] for record in records)]:
        data = b"\n".join(orjson.dumps(record) for record in chosen)
        batches = list(file_batches("f.json", io.BytesIO(data), encoder))
        expected = [full_rules(COLUMNS, list(record.values()), truncate) for record in chosen]
        assert b"".join(batch.data for batch in batches).decode() == "".join(
            f"{line}\n" for line in expected if isinstance(line, str)
        )
        assert [
            (error.line_number, error.err_code) for batch in batches for error in batch.errors
        ] == [
            (number, code) for number, code in enumerate(expected, start=1) if isinstance(code, int)
        ]


@pytest.mark.parametrize(
    "raw",
    [rb'{"a":"x\ty"}', rb'{"a":"x\u0009y"}', rb'{"a":"x\ny"}', rb'{"a":"x\\y"}',
     rb'{"a":"x\u005cy"}', rb'{"a":"x\u005Cy"}', rb'{"a":"x\u0000y"}', rb'{"a":"x\u001fy"}',
     rb'{"a":"x\ry"}', rb'{"a":"x\by"}', rb'{"a":"x\fy"}'],
)  # fmt: skip
def test_a_record_whose_strings_decode_to_a_control_character_or_backslash_is_escaped(raw):
    assert needs_escaping(raw)
    column = Column("a", "character varying", 64)
    record = orjson.loads(raw)
    row = JsonFormat().encoder([column]).encode("f.json", 1, record, raw)
    assert (row if isinstance(row, str) else row.err_code) == full_rules([column], [record["a"]])


@pytest.mark.parametrize(
    "raw", [rb'{"a":"plain"}', rb'{"a":"Bj\u00c3\u0083\u00c2\u00b6rk"}', rb'{"a":"x\/y"}']
)
def test_records_without_such_escapes_take_the_shortcut(raw):
    assert not needs_escaping(raw)


@pytest.mark.parametrize("truncate", [False, True], ids=["rejecting", "truncatecolumns"])
def test_every_fast_converter_falls_back_for_what_it_does_not_know(truncate):
    for column in COLUMNS:
        fast, full = fast_converter_for(column, truncate), converter_for(column, truncate)
        for value in VALUES:
            if isinstance(value, str) and any(ch in value for ch in "\t\n\r\\\x00"):
                continue  # the shortcut is only used where no decoded string holds these
            outcomes = []
            for convert in (fast, full):
                try:
                    outcomes.append(convert(value))
                except ConversionError as error:
                    outcomes.append(error.code)
            assert outcomes[0] == outcomes[1], (column, value)


def _load(
    warehouse: WarehouseResource, root: Path, files: list[str], reader: LocalFiles | RemoteFiles
) -> tuple[LoadResult, list[tuple]]:
    """Load `files` into an empty staging_events; return the result and the rows."""
    with warehouse.session() as session:
        session.create(EVENTS)
        session.cursor.execute("TRUNCATE staging_events")
        format_ = JsonFormat(EVENTS.jsonpaths, (root / EVENTS.jsonpaths).read_bytes())
        result = load_json_files(
            session.cursor,
            session.sql("common/copy_from_stdin", table="staging_events"),
            session.columns("staging_events"),
            files,
            reader,
            format_,
            maxerror=100,
        )
        session.cursor.execute(
            "SELECT * FROM staging_events ORDER BY ts, session_id, item_in_session"
        )
        return result, session.cursor.fetchall()


class _Opener:
    """Opens files under a directory, as an S3 source's `open` would open keys."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, key: str):
        return open(self.root / key, "rb")


def _day_files(tmp_path: Path) -> tuple[Path, list[str]]:
    """Six days of 700 good events, each file ending in a broken line and a bad `ts`."""
    days = [
        (f"2018-11-{day:02d}", [event(ts=1541030400796 + day * 86_400_000 + i) for i in range(700)])
        for day in range(1, 7)
    ]
    files = log_files(*days)
    for key, content in files.items():
        if key.startswith("log_data"):
            content += '\n{broken\n{"ts": "soon"}'
        (tmp_path / key).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / key).write_text(content)
    return tmp_path, sorted(key for key in files if key.startswith("log_data"))


def test_worker_processes_load_the_same_rows_and_rejections_as_threads(warehouse, tmp_path):
    root, files = _day_files(tmp_path)
    by_processes = _load(warehouse, root, files, LocalFiles(root, workers=2))
    by_threads = _load(warehouse, root, files, RemoteFiles(_Opener(root), workers=3))
    assert by_processes[1] == by_threads[1]
    assert len(by_processes[1]) == 6 * 700
    assert by_processes[0].errors == by_threads[0].errors
    assert [(e.filename, e.line_number) for e in by_processes[0].errors] == [
        (key, line) for key in files for line in (701, 702)
    ]
    assert by_processes[0].records_read == by_threads[0].records_read == 6 * 702


def test_many_small_files_travel_in_batches_of_thousands_of_rows_not_one_per_file(tmp_path):
    for index in range(3 * BATCH_ROWS // 2):
        path = tmp_path / f"song_data/A/{index % 7}/TR{index:016d}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(song(song_id=f"SO{index:016d}")))
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json"))
    columns = [Column("song_id", "character varying", 32), Column("year", "integer")]
    batches = list(parallel_batches(files, LocalFiles(tmp_path, 2), JsonFormat(), columns))
    assert sum(batch.files_done for batch in batches) == len(files)
    assert sum(batch.rows for batch in batches) == len(files)
    assert len(batches) < len(files) / 100


def test_a_worker_that_dies_fails_the_load_with_the_reason_instead_of_shortening_it(
    warehouse, tmp_path, monkeypatch
):
    root, files = _day_files(tmp_path)
    monkeypatch.setattr(parallel, "WORKER_MODULE", "sparkify_assets.no_such_worker")
    with pytest.raises(WorkerFailed, match=r"ended \(exit code 1\) before finishing its files"):
        _load(warehouse, root, files, LocalFiles(root, workers=2))


class _ShortWrites(io.RawIOBase):
    """A raw stream that takes at most a few bytes a write, as an unbuffered pipe may."""

    def __init__(self) -> None:
        self.taken = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        piece = bytes(data[:7])
        self.taken += piece
        return len(piece)


def test_a_frame_is_written_whole_even_when_each_write_takes_only_part_of_it():
    batch = Batch(
        b"row\t1\n" * 50, 50, 51, [LoadError("f.json", 3, "", "", "{", "", 1216, "bad")], 1
    )
    out = _ShortWrites()
    parallel._write_frame(out, parallel._BATCH, batch)
    kind, read_back = parallel._read_frame(io.BytesIO(bytes(out.taken)), None)  # type: ignore[arg-type]
    assert (kind, read_back) == (parallel._BATCH, batch)


class _ShortReads(io.RawIOBase):
    """A raw stream that gives at most a few bytes a read, as a raw pipe may."""

    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        size = min(5, len(buffer))
        piece, self.data = self.data[:size], self.data[size:]
        buffer[: len(piece)] = piece
        return len(piece)


class _Ended:
    """A worker process that has exited."""

    def wait(self) -> int:
        return 1


def test_a_frame_is_read_whole_even_when_each_read_gives_only_part_of_it():
    batch = Batch(
        b"row\t1\n" * 50, 50, 51, [LoadError("f.json", 3, "", "", "{", "", 1216, "bad")], 1
    )
    frames = io.BytesIO()
    parallel._write_frame(frames, parallel._BATCH, batch)
    parallel._write_frame(frames, parallel._CHUNK_DONE, Batch(b"", 0, 0, [], 0))
    stream = _ShortReads(frames.getvalue())
    assert parallel._read_frame(stream, _Ended()) == (parallel._BATCH, batch)  # type: ignore[arg-type]
    assert parallel._read_frame(stream, _Ended())[0] == parallel._CHUNK_DONE  # type: ignore[arg-type]


def test_a_frame_cut_short_by_a_dying_worker_fails_the_load():
    frame = io.BytesIO()
    parallel._write_frame(frame, parallel._BATCH, Batch(b"row\t1\n" * 50, 50, 50, [], 1))
    stream = _ShortReads(frame.getvalue()[:-3])
    with pytest.raises(WorkerFailed, match=r"exit code 1"):
        parallel._read_frame(stream, _Ended())  # type: ignore[arg-type]


def test_a_load_survives_its_workers_being_stopped_and_continued_with_unbuffered_output(
    tmp_path, monkeypatch
):
    """Job control or a profiler stops and continues processes; with PYTHONUNBUFFERED=1 that
    once tore the workers' frames apart and killed the load."""
    monkeypatch.setenv("PYTHONUNBUFFERED", "1")
    per_day = 20_000
    days = [
        (
            f"2018-11-{day:02d}",
            [event(ts=1541030400796 + day * 86_400_000 + i) for i in range(20_000)],
        )
        for day in range(1, 9)
    ]
    for key, content in log_files(*days).items():
        (tmp_path / key).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / key).write_text(content)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*-events.json"))
    columns = [Column("ts", "bigint"), Column("page", "character varying", 64)]
    batches = parallel_batches(files, LocalFiles(tmp_path, 2), JsonFormat(), columns)
    me = os.getpid()
    rows = 0
    for batch in batches:
        rows += batch.rows
        time.sleep(0.02)  # the workers fill their pipes and wait in the middle of a write
        for worker in _workers_of(me):
            os.kill(worker, signal.SIGSTOP)
            os.kill(worker, signal.SIGCONT)
    assert rows == 8 * per_day


def _workers_of(parent: int) -> list[int]:
    """The COPY conversion workers this process started (from /proc)."""
    workers = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile
        if (
            int(stat.rsplit(")", 1)[1].split()[1]) == parent
            and parallel.WORKER_MODULE.encode() in command
        ):
            workers.append(int(entry.name))
    return workers
