"""Where files are read and converted in parallel, for the COPY emulation's one stream of rows.

Local files go to worker processes (`python -m sparkify_assets.copyjson.worker`): decoding
JSON and converting values is CPU work, which threads would serialise on one core. This module
imports neither Dagster nor the project's resources, so a worker starts in a fraction of a
second. An S3 source is read by threads instead, whose time goes into waiting on the network.

A worker gets a setup line, then chunks of file names (one JSON list per line; the next chunk
is sent when it reports one done) and answers with framed batches of COPY text. In the parent a
thread per worker hands the batches on through one bounded queue, so memory stays flat.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import os
import queue
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import orjson

from sparkify_assets.copyjson.batches import (
    BATCH_ROWS,
    Batch,
    JsonFormat,
    LoadError,
    RowEncoder,
    file_batches,
)
from sparkify_assets.copyjson.convert import Column
from sparkify_assets.copyjson.drift import UnmappedKeys
from sparkify_assets.copyjson.local_files import UnreadableFile, local_file_batches

OpenFile = Callable[[str], AbstractContextManager[IO[bytes]]]
Put = Callable[[Batch | BaseException], bool]
Producer = Callable[[Put, threading.Event], None]

S3_READERS = 8  # files read from S3 at once
WORKER_MODULE = "sparkify_assets.copyjson.worker"
# A frame: kind, rows, records, files done, and the lengths of the COPY text, of the errors and
# of the unmapped keys' counts (0 in most frames: no record had a key beyond the mapped ones).
_HEADER = struct.Struct("<cIIIIII")
_BATCH, _CHUNK_DONE, _UNREADABLE = b"B", b"C", b"U"
_CHUNKS_PER_WORKER = 32  # enough chunks that the workers finish together
_MAX_CHUNK_FILES = 512  # few enough that a chunk of small files takes well under a second
# A frame goes out once this many records were rejected, even without good rows to carry, so
# a file of bad lines never piles up in a worker.
_ERRORS_PER_FRAME = 1_000


class WorkerFailed(RuntimeError):
    """A worker process ended without finishing its files."""


@dataclass(frozen=True)
class LocalFiles:
    """Files under a local directory, read by worker processes."""

    root: Path
    workers: int = field(default_factory=lambda: len(os.sched_getaffinity(0)))  # usable cores
    load_began_ns: int | None = None  # a file written since (wall clock) fails the load


@dataclass(frozen=True)
class RemoteFiles:
    """Files opened by a callable (an S3 source), read by threads."""

    open_file: OpenFile
    workers: int = S3_READERS


def parallel_batches(
    files: Sequence[str],
    reader: LocalFiles | RemoteFiles,
    json_format: JsonFormat,
    columns: Sequence[Column],
) -> Iterator[Batch]:
    """Every file's batches, in no particular order."""
    encoder = json_format.encoder(columns)  # a bad JSONPaths file fails here, before any work
    if isinstance(reader, LocalFiles):
        return _process_batches(files, reader, json_format, columns)
    return _thread_batches(files, reader, encoder)


def _gather(
    producers: Sequence[Producer], on_stop: Callable[[], None] = lambda: None
) -> Iterator[Batch]:
    """Run each producer in a thread and yield what they put, through a bounded queue.

    A producer's exception is raised here, in the reading thread; closing the iterator (the
    load failed or stopped) tells the producers to stop, calls `on_stop` to wake any that wait
    on something else, and waits for them.
    """
    results: queue.Queue[Batch | BaseException | None] = queue.Queue(maxsize=2 * len(producers))
    stop = threading.Event()

    def put(item: Batch | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                results.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run(producer: Producer) -> None:
        try:
            producer(put, stop)
        except BaseException as error:  # handed to the reading thread, which re-raises it
            put(error)
        finally:
            put(None)

    threads = [
        threading.Thread(target=run, args=(producer,), name=f"copyjson-{index}", daemon=True)
        for index, producer in enumerate(producers)
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
        on_stop()
        for thread in threads:
            thread.join()


def _thread_batches(
    files: Sequence[str], reader: RemoteFiles, encoder: RowEncoder
) -> Iterator[Batch]:
    pending: queue.SimpleQueue[str] = queue.SimpleQueue()
    for name in files:
        pending.put(name)

    def read_files(put: Put, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                name = pending.get_nowait()
            except queue.Empty:
                return
            with reader.open_file(name) as handle:
                for batch in file_batches(name, handle, encoder):
                    if not put(batch):
                        return

    return _gather([read_files] * max(1, min(reader.workers, len(files))))


def _process_batches(
    files: Sequence[str], reader: LocalFiles, json_format: JsonFormat, columns: Sequence[Column]
) -> Iterator[Batch]:
    workers = max(1, reader.workers)
    size = max(1, min(_MAX_CHUNK_FILES, len(files) // (workers * _CHUNKS_PER_WORKER)))
    chunks = deque(list(files[start : start + size]) for start in range(0, len(files), size))
    chunks_lock = threading.Lock()
    setup = orjson.dumps(
        {
            "root": str(reader.root),
            "columns": [dataclasses.astuple(column) for column in columns],
            "jsonpaths_name": json_format.jsonpaths_name,
            "jsonpaths_document": base64.b64encode(json_format.jsonpaths_document or b"").decode(),
            "truncate_columns": json_format.truncate_columns,
            "load_began_ns": reader.load_began_ns,
        }
    )

    def send_next_chunk(stdin: IO[bytes]) -> bool:
        """Give a worker its next chunk, or tell it there is no more work (False).

        Only ever one chunk is in a worker's pipe, sent while it waits for one: a second,
        written while it sends frames, could fill the pipe and block both sides for good.
        """
        with chunks_lock:
            chunk = chunks.popleft() if chunks else None
        if chunk is None:
            stdin.close()
            return False
        stdin.write(orjson.dumps(chunk) + b"\n")
        stdin.flush()
        return True

    processes: list[subprocess.Popen[bytes]] = []

    def run_worker(put: Put, stop: threading.Event) -> None:
        process = subprocess.Popen(
            [sys.executable, "-P", "-m", WORKER_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_worker_environment(),
        )
        processes.append(process)
        stdin, stdout = process.stdin, process.stdout
        assert stdin is not None and stdout is not None
        working = False
        try:
            stdin.write(setup + b"\n")
            working = send_next_chunk(stdin)
            while working and not stop.is_set():
                kind, batch = _read_frame(stdout, process)
                if kind == _BATCH and not put(batch):
                    return
                if kind == _CHUNK_DONE:
                    working = send_next_chunk(stdin)
                if kind == _UNREADABLE:
                    raise UnreadableFile(batch.data.decode("utf-8", errors="replace"))
        except BrokenPipeError:
            raise _worker_died(process) from None
        finally:
            if working:  # stopped early: the worker may be blocked writing to us
                process.kill()
            with contextlib.suppress(BrokenPipeError):
                stdin.close()
            process.wait()
            stdout.close()

    def kill_workers() -> None:
        for process in processes:
            process.kill()

    return _gather([run_worker] * max(1, min(workers, len(chunks))), kill_workers)


def _worker_environment() -> dict[str, str]:
    """The parent's environment, with this package's folder first on the path: the worker
    imports the same code wherever it was found (an installed or a checked-out package)."""
    package_parent = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (package_parent, path)))}


def _read_frame(stdout: IO[bytes], process: subprocess.Popen[bytes]) -> tuple[bytes, Batch]:
    header = _read_exactly(stdout, _HEADER.size, process)
    kind, rows, records, files_done, data_size, errors_size, unmapped_size = _HEADER.unpack(header)
    data = _read_exactly(stdout, data_size, process)
    errors = _read_exactly(stdout, errors_size, process)
    unmapped = UnmappedKeys.from_json(_read_exactly(stdout, unmapped_size, process))
    rejected = [LoadError(*fields) for fields in orjson.loads(errors)]
    return kind, Batch(data, rows, records, rejected, files_done, unmapped)


def _read_exactly(stream: IO[bytes], size: int, process: subprocess.Popen[bytes]) -> bytes:
    """`size` bytes of a frame, read until they are all there: a raw (unbuffered) pipe's read
    may return fewer, as when the worker was stopped mid-write; only the end of the stream
    (the worker died) comes up short. EINTR is retried by Python itself (PEP 475)."""
    data = stream.read(size)
    if len(data) == size:
        return data
    parts, got = [data], len(data)
    while got < size:
        more = stream.read(size - got)
        if not more:
            raise _worker_died(process)
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _worker_died(process: subprocess.Popen[bytes]) -> WorkerFailed:
    return WorkerFailed(
        f"a COPY conversion worker ended (exit code {process.wait()}) before finishing its "
        "files; its error is in the run's stderr"
    )


def _write_frame(out: IO[bytes], kind: bytes, batch: Batch) -> None:
    """One frame, whole. With PYTHONUNBUFFERED=1 (common in container images) the worker's
    stdout is a raw file, whose write() may take only part of a large frame, as when a signal
    (job control, a profiler) interrupts it: what is left is written until none is."""
    errors = orjson.dumps([dataclasses.astuple(error) for error in batch.errors])
    unmapped = batch.unmapped.to_json() if batch.unmapped else b""
    counts = (
        batch.rows,
        batch.records,
        batch.files_done,
        len(batch.data),
        len(errors),
        len(unmapped),
    )
    frame = memoryview(_HEADER.pack(kind, *counts) + batch.data + errors + unmapped)
    while frame:
        frame = frame[out.write(frame) or 0 :]


def work(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """A worker's life: read the setup, then convert chunk after chunk until stdin closes."""
    setup_line = stdin.readline()
    if not setup_line:
        return  # the parent went away before giving any work
    setup = orjson.loads(setup_line)
    root = Path(setup["root"])
    document = base64.b64decode(setup["jsonpaths_document"]) or None
    json_format = JsonFormat(setup["jsonpaths_name"], document, setup["truncate_columns"])
    encoder = json_format.encoder([Column(*column) for column in setup["columns"]])
    for line in stdin:
        pending = _Pending()
        for name in orjson.loads(line):
            try:
                for batch in local_file_batches(root / name, name, encoder, setup["load_began_ns"]):
                    pending.add(batch)
                    if pending.rows >= BATCH_ROWS or pending.errors >= _ERRORS_PER_FRAME:
                        _write_frame(stdout, _BATCH, pending.take())
            except UnreadableFile as error:
                _write_frame(stdout, _UNREADABLE, Batch(str(error).encode(), 0, 0, [], 0))
                stdout.flush()
                return
        if pending.batches:
            _write_frame(stdout, _BATCH, pending.take())
        _write_frame(stdout, _CHUNK_DONE, Batch(b"", 0, 0, [], 0))
        stdout.flush()


class _Pending:
    """Batches of many small files, joined into one frame of about BATCH_ROWS rows."""

    def __init__(self) -> None:
        self.batches: list[Batch] = []
        self.rows = 0
        self.errors = 0

    def add(self, batch: Batch) -> None:
        self.batches.append(batch)
        self.rows += batch.rows
        self.errors += len(batch.errors)

    def take(self) -> Batch:
        batches, self.batches, self.rows, self.errors = self.batches, [], 0, 0
        unmapped = UnmappedKeys()
        for batch in batches:
            if batch.unmapped:
                unmapped.merge(batch.unmapped)
        return Batch(
            b"".join(batch.data for batch in batches),
            sum(batch.rows for batch in batches),
            sum(batch.records for batch in batches),
            [error for batch in batches for error in batch.errors],
            sum(batch.files_done for batch in batches),
            unmapped or None,
        )
