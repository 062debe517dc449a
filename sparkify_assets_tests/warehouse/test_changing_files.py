"""A local file that changes while it is read is one consistent read or one line naming it that
fails the load, never a torn read: grown, truncated, rewritten in place, written after the load
began, or replaced by a rename (read whole, in the version opened)."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sparkify_assets.copyjson import Column, JsonFormat, loader
from sparkify_assets.copyjson.batches import BATCH_ROWS, Batch, RowEncoder
from sparkify_assets.copyjson.local_files import (
    UnreadableFile,
    local_file_batches,
)
from sparkify_assets.model.tables import STAGING_TABLES
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.source import SourceError
from sparkify_assets_tests.conftest import RawFiles
from sparkify_assets_tests.support.local_source import (
    DAY,
    fetch,
)
from sparkify_assets_tests.support.rawdata import event, log_files, ndjson

EVENTS, SONGS = STAGING_TABLES
Change = Callable[[Path], None]  # what happens to a file while it is read


def _events_file(path: Path, count: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ndjson(*(event(itemInSession=i, ts=1541105830796 + i) for i in range(count))))


def _encoder() -> RowEncoder:
    return JsonFormat().encoder([Column("ts", "bigint"), Column("itemInSession", "integer")])


def _first_batch_then(path: Path, change: Change) -> Iterator[Batch]:
    """Read the file's first batch, `change` the file, and read the rest."""
    batches = local_file_batches(path, "events.json", _encoder())
    first = next(batches)
    assert first.files_done == 0  # the file is being read
    change(path)
    return batches


def _append(path: Path) -> None:
    with path.open("a") as handle:
        handle.write("\n" + json.dumps(event()))


def _truncate(path: Path) -> None:
    path.write_text(ndjson(*(event() for _ in range(5))))


def _rewrite_in_place(path: Path) -> None:
    """The same size, other bytes, and a modification time a second later."""
    status = path.stat()
    with path.open("r+b") as handle:
        handle.write(b" " * 10)
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (_append, r"size ([\d,]+)→([\d,]+) bytes"),
        (_truncate, r"size ([\d,]+)→([\d,]+) bytes"),
        (_rewrite_in_place, r"rewritten at the same size, ([\d,]+) bytes"),
    ],
    ids=["grown", "truncated", "rewritten in place"],
)
def test_a_file_that_changes_while_it_is_read_is_never_a_silent_torn_read(
    tmp_path: Path, change: Change, shown: str
):
    path = tmp_path / "events.json"
    _events_file(path, 3 * BATCH_ROWS)
    rest = _first_batch_then(path, change)
    pattern = rf"^{re.escape(str(path))} changed while it was read \({shown}\); "
    with pytest.raises(UnreadableFile, match=pattern):
        list(rest)


def test_a_file_replaced_by_a_rename_while_it_is_read_is_read_whole_in_the_version_opened(
    tmp_path: Path,
):
    path = tmp_path / "events.json"
    _events_file(path, 3 * BATCH_ROWS)

    def replace(path: Path) -> None:
        (tmp_path / "new.json").write_text(ndjson(event()))
        os.replace(tmp_path / "new.json", path)

    rest = _first_batch_then(path, replace)
    assert sum(batch.rows for batch in rest) == 2 * BATCH_ROWS


def _read_whole(path: Path, load_began_ns: int) -> int:
    return sum(b.rows for b in local_file_batches(path, "events.json", _encoder(), load_began_ns))


def test_a_file_written_after_the_load_began_fails_it_though_it_did_not_change_while_read(
    tmp_path: Path,
):
    """A writer that pauses between pieces can leave a prefix that looks whole from its open to
    its last read; its first piece after the load began gives it away."""
    path = tmp_path / "events.json"
    _events_file(path, 10)
    written_ns = path.stat().st_mtime_ns
    with pytest.raises(
        UnreadableFile,
        match=r"changed while it was read \(written at .* UTC, "
        r"after the load began at .*\); nothing was loaded",
    ):
        _read_whole(path, load_began_ns=written_ns - 1_000_000)


def test_a_file_written_before_the_load_began_or_dated_in_the_future_is_read(tmp_path: Path):
    path = tmp_path / "events.json"
    _events_file(path, 10)
    assert _read_whole(path, load_began_ns=path.stat().st_mtime_ns + 1) == 10
    tomorrow_ns = time.time_ns() + 86_400 * 10**9  # a clock's doing, not a write during the load
    os.utime(path, ns=(tomorrow_ns, tomorrow_ns))
    assert _read_whole(path, load_began_ns=time.time_ns() - 10**9) == 10


LOADED_ROWS = 12 * BATCH_ROWS  # far more than the worker can read ahead of the COPY


def _load_changing(
    warehouse: WarehouseResource,
    raw_files: RawFiles,
    monkeypatch: pytest.MonkeyPatch,
    change: Change,
) -> None:
    """A day of one event loaded, then loaded again from LOADED_ROWS events that `change`
    alters once the COPY has its first rows: the worker is then still reading the file, held
    back by the bounded queue between it and the COPY."""
    source = raw_files(log_files(("2018-11-01", [event(userId="1")])))
    warehouse.load_staging(EVENTS, source)
    path = Path(source.location) / DAY
    _events_file(path, LOADED_ROWS)
    monkeypatch.setattr(loader, "PROGRESS_EVERY_SECONDS", 0.0)
    changed: list[str] = []

    def report(message: str) -> None:
        if " files, " in message and not changed:
            changed.append(message)
            change(path)

    try:
        warehouse.load_staging(EVENTS, source, report=report)
    finally:
        assert changed, "the load gave no progress while it read"


def test_a_log_rewritten_while_the_load_reads_it_fails_the_load_and_keeps_the_table(
    warehouse, raw_files: RawFiles, monkeypatch: pytest.MonkeyPatch
):
    with pytest.raises(SourceError) as failure:
        _load_changing(warehouse, raw_files, monkeypatch, _truncate)
    message = str(failure.value)
    assert message.endswith("; nothing was loaded: run again") and "\n" not in message
    assert f"{DAY} changed while it was read (size " in message
    assert fetch(warehouse, "SELECT user_id FROM staging_events") == [(1,)]
    assert fetch(warehouse, "SELECT COUNT(*) FROM load_history WHERE status = 'committed'") == [
        (1,)
    ]


def test_a_log_replaced_by_a_rename_while_the_load_reads_it_loads_the_version_opened(
    warehouse, raw_files: RawFiles, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    def replace(path: Path) -> None:
        (tmp_path / "new.json").write_text(ndjson(event()))
        os.replace(tmp_path / "new.json", path)

    _load_changing(warehouse, raw_files, monkeypatch, replace)
    assert fetch(warehouse, "SELECT COUNT(*) FROM staging_events") == [(LOADED_ROWS,)]
