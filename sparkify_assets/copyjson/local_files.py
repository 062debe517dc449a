"""One local file read as one version of it, for the COPY emulation's workers.

A local file can change while it is read, where an S3 object never does (a PUT replaces it
whole): its rows stream into the COPY as they are read, so a file that changes during the load
fails the load, which is rolled back, instead of committing a torn mix of versions. Keys that
hold no data (a directory, a FIFO, a link that loops) are one rejected record each.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sparkify_assets.copyjson.batches import Batch, LoadError, RowEncoder, file_batches

ERR_NOT_A_FILE = 1212  # Redshift's "Load file was not found": no file's data at the key


class UnreadableFile(OSError):
    """A local file could not be read whole as one version of it: the load fails, naming it."""


class NotAFile(OSError):
    """A key names something that holds no data: a directory, a FIFO, a socket, a device, a
    symbolic link that loops or leads nowhere. The load rejects it as one record."""


def local_file_batches(
    path: Path, name: str, encoder: RowEncoder, load_began_ns: int | None = None
) -> Iterator[Batch]:
    """The batches of one local file, read as one version of it.

    Its rows stream into the COPY as they are read, so a file whose size or modification time
    after the last read is not what it was at the open (it was rewritten, truncated or grew
    meanwhile: a torn mix of versions) fails the whole load, which is rolled back. A file
    replaced by a rename is read whole, in the version opened. A file last modified after the
    load began (`load_began_ns`, wall clock) is failed too: a writer that pauses between pieces
    leaves no trace between an open and a read that fall into one pause, but its first piece
    after the load began does. Something that holds no data
    (NotAFile) is one rejected record, line 0; a file that can't be read fails the load.
    """
    try:
        handle, opened = open_local(path)
    except NotAFile as error:
        yield Batch(b"", 0, 1, [LoadError(name, 0, ERR_NOT_A_FILE, str(error))], 1)
        return
    except OSError as error:
        raise UnreadableFile(f"cannot read {path}: {error.strerror or error}") from None
    with handle:
        try:
            yield from file_batches(name, handle, encoder)
        except OSError as error:
            raise UnreadableFile(f"cannot read {path}: {error.strerror or error}") from None
        change = _change(opened, os.fstat(handle.fileno()), load_began_ns)
    if change is not None:
        raise UnreadableFile(
            f"{path} changed while it was read ({change}); nothing was loaded: run again"
        )


def open_local(path: Path) -> tuple[IO[bytes], os.stat_result]:
    """A local file opened for reading, and its fstat then; NotAFile when what is there holds
    no data.

    O_NONBLOCK, so that opening a FIFO does not wait for a writer forever (it changes nothing
    for a regular file's reads); the kind is asked of the open file, so nothing swapped in
    after a check is read. Unbuffered: the file is read in large chunks, and a buffered reader
    would cost one more system call per file, asking whether it is a terminal.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        raise _not_a_file(path, error) or error from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        raise _kind(path, status.st_mode)
    return open(descriptor, "rb", buffering=0), status


_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def _kind(path: Path, mode: int) -> NotAFile:
    kind = _KINDS.get(stat.S_IFMT(mode), "something else")
    if os.path.islink(path):  # a link to a folder above it is how a listing's loop ends
        kind = f"{kind}, through a symbolic link to {shown_path(os.readlink(path))}"
    return NotAFile(f"not a file but {kind}")


def _not_a_file(path: Path, error: OSError) -> NotAFile | None:
    """What a failed open says of the key when it holds no data (a socket can't be opened, a
    link may loop or lead nowhere); None when it is a file that can't be read (gone since it
    was listed, no access)."""
    if error.errno == errno.ELOOP:
        return NotAFile("not a file but a symbolic link that loops")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            target = shown_path(os.readlink(path))
            return NotAFile(f"not a file but a symbolic link to {target}, which is missing")
        return None
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else _kind(path, mode)


def _change(opened: os.stat_result, read: os.stat_result, load_began_ns: int | None) -> str | None:
    """How a file's fstat after its last read differs from the one at its open, or shows it
    written after the load began (a time in the future is a clock's doing, not a write's), if
    it does. Its inode and device are the open file's own, whatever became of its name."""
    if opened.st_size != read.st_size:
        return f"size {opened.st_size:,}→{read.st_size:,} bytes"
    if opened.st_mtime_ns != read.st_mtime_ns:
        return f"rewritten at the same size, {read.st_size:,} bytes"
    if load_began_ns is not None and load_began_ns <= read.st_mtime_ns <= time.time_ns():
        written = datetime.fromtimestamp(read.st_mtime_ns / 1e9, UTC).strftime("%H:%M:%S.%f")
        began = datetime.fromtimestamp(load_began_ns / 1e9, UTC).strftime("%H:%M:%S.%f")
        return f"written at {written[:-3]} UTC, after the load began at {began[:-3]}"
    return None


def shown_path(path: str) -> str:
    """A path for a message or load_errors, any byte that is not UTF-8 shown as \\xNN (the
    file system gives such bytes as lone surrogates, which UTF-8 can't hold)."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")
