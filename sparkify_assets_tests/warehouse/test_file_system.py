"""A local source as file systems really are: files that change while they are read, links
that loop or lead nowhere, FIFOs, sockets and devices, names that are not UTF-8, paths of
thousands of folders. Each is one consistent read, a row of load_errors naming it, or one
line naming it that fails the load; never a torn read, a traceback or a hang."""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sparkify_assets.copyjson import Column, JsonFormat, loader
from sparkify_assets.copyjson.batches import BATCH_ROWS, Batch, RowEncoder
from sparkify_assets.copyjson.local_files import (
    ERR_NOT_A_FILE,
    UnreadableFile,
    local_file_batches,
)
from sparkify_assets.model.tables import STAGING_TABLES
from sparkify_assets.model.targets import Target
from sparkify_assets.warehouse.resource import LoadFailed, WarehouseResource
from sparkify_assets.warehouse.session import fit_text
from sparkify_assets.warehouse.source import RawSourceResource, SourceError
from sparkify_assets_tests.conftest import RawFiles
from sparkify_assets_tests.support.rawdata import event, log_files, ndjson, song

EVENTS, SONGS = STAGING_TABLES
SONG = "song_data/A/A/A/TRAAAAAAAAAAAAAAAA.json"
DAY = "log_data/2018/11/2018-11-01-events.json"
OLD_LOAD_ERRORS = """CREATE TABLE load_errors (
    load_id VARCHAR(64) NOT NULL, starttime TIMESTAMP NOT NULL, tbl_name VARCHAR(128) NOT NULL,
    filename VARCHAR(1024) NOT NULL, line_number BIGINT NOT NULL, colname VARCHAR(128),
    type VARCHAR(32), raw_line VARCHAR(1024), raw_field_value VARCHAR(1024),
    err_code INTEGER NOT NULL, err_reason VARCHAR(512) NOT NULL
)"""


def _songs_with(raw_files: RawFiles) -> tuple[RawSourceResource, Path]:
    """A source of one good song file; the folder beside it, for the odd entry."""
    source = raw_files({SONG: json.dumps(song())})
    return source, Path(source.location) / "song_data/A/A/A"


def _tolerant(warehouse: WarehouseResource) -> WarehouseResource:
    return warehouse.model_copy(update={"maxerror": 100})


def _fetch(warehouse: WarehouseResource, query: str) -> list[tuple]:
    with warehouse.session() as session:
        session.cursor.execute(query)
        return session.cursor.fetchall()


def _rejections(warehouse: WarehouseResource) -> list[tuple]:
    return _fetch(
        warehouse,
        "SELECT filename, line_number, err_code, err_reason FROM load_errors ORDER BY filename",
    )


def _reconciled(warehouse: WarehouseResource) -> bool:
    rows = _fetch(warehouse, "SELECT records_read, rows_loaded, rejected FROM load_history")
    return all(read == loaded + rejected for read, loaded, rejected in rows)


MakeFifo = Callable[[Path], None]
Change = Callable[[Path], None]  # what happens to a file while it is read


@pytest.fixture
def make_fifo() -> Iterator[MakeFifo]:
    """Make FIFOs, each with a writer waiting: a load that opened one as a reader blocks would
    get an empty file (and fail the test) instead of waiting forever."""
    writers: dict[Path, threading.Thread] = {}

    def make(path: Path) -> None:
        os.mkfifo(path)
        writers[path] = threading.Thread(target=lambda: open(path, "wb").close(), daemon=True)
        writers[path].start()

    yield make

    for path, writer in writers.items():
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))  # lets a waiting writer go
        writer.join(timeout=5)


# --- Listing -------------------------------------------------------------------------------


def test_a_link_to_a_folder_above_it_is_listed_once_as_a_key_instead_of_walked_forever(
    raw_files: RawFiles,
):
    source, folder = _songs_with(raw_files)
    (folder / "up").symlink_to("../..")
    (folder / "itself").symlink_to("itself")
    keys = source.list_keys("song_data/")
    assert sorted(keys) == [SONG, "song_data/A/A/A/itself", "song_data/A/A/A/up"]


def test_a_link_to_a_sibling_folder_is_followed_as_a_listing_follows_links(raw_files: RawFiles):
    source, folder = _songs_with(raw_files)
    (folder.parent / "B").symlink_to("A")
    assert source.list_keys("song_data/") == [SONG, SONG.replace("A/A/A/", "A/A/B/")]


def test_a_name_that_is_not_utf8_is_refused_in_one_line_showing_its_bytes(raw_files: RawFiles):
    source, folder = _songs_with(raw_files)
    os.close(os.open(os.fsencode(folder) + b"/caf\xe9.json", os.O_WRONLY | os.O_CREAT))
    for listing in (
        lambda: source.list_keys("song_data/"),
        lambda: source.objects_modified_since("song_data/", None),
    ):
        with pytest.raises(SourceError) as refused:
            listing()
        message = str(refused.value)
        assert "song_data/A/A/A/caf\\xe9.json" in message and "not UTF-8" in message
        message.encode("utf-8")  # printable anywhere: no lone surrogate


def test_a_path_of_more_folders_than_python_recurses_into_is_listed_and_loaded(
    warehouse, raw_files: RawFiles
):
    source, _ = _songs_with(raw_files)
    levels = [f"song_data{'/d' * depth}" for depth in range(1, 1_101)]
    for level in levels:  # one at a time: pathlib's and shutil's own walks recurse
        os.mkdir(Path(source.location, level))
    deep = f"{levels[-1]}/TRDEEP.json"
    Path(source.location, deep).write_text(json.dumps(song(song_id="SODEEP")))
    try:
        assert sorted(source.list_keys("song_data/")) == sorted([SONG, deep])
        assert warehouse.load_staging(SONGS, source).result.rows_loaded == 2
    finally:
        Path(source.location, deep).unlink()
        for level in reversed(levels):
            os.rmdir(Path(source.location, level))


def test_a_path_longer_than_the_system_can_name_fails_the_listing_in_one_line(
    raw_files: RawFiles,
):
    source, folder = _songs_with(raw_files)
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(25):  # 25 folders of 201 bytes: past PATH_MAX (4096), made one folder at a time
        os.mkdir("d" * 200, dir_fd=descriptor)
        inner = os.open("d" * 200, os.O_RDONLY | os.O_DIRECTORY, dir_fd=descriptor)
        os.close(descriptor)
        descriptor = inner
    os.close(os.open("x.json", os.O_WRONLY | os.O_CREAT, dir_fd=descriptor))
    os.close(descriptor)
    with pytest.raises(SourceError, match=r"cannot list .*File name too long: .*/dddd"):
        source.list_keys("song_data/")


def test_a_link_that_leads_nowhere_is_listed_for_a_sensor_without_failing_it(
    raw_files: RawFiles,
):
    source, folder = _songs_with(raw_files)
    (folder / "gone.json").symlink_to("nowhere.json")
    (folder / "itself").symlink_to("itself")
    keys = [item.key for item in source.objects_modified_since("song_data/", None)]
    assert sorted(keys) == [SONG, "song_data/A/A/A/gone.json", "song_data/A/A/A/itself"]


# --- What holds no data: one rejected record each, the good files loaded -----------------------


def _odd_entries(
    folder: Path, make_fifo: MakeFifo, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Entries that are not files, by name: what load_errors must say of each."""
    make_fifo(folder / "pipe.json")
    monkeypatch.chdir(folder)  # a socket's path is limited to 108 bytes: bind a short one
    sock = socket.socket(socket.AF_UNIX)
    sock.bind("socket.json")
    sock.close()
    (folder / "zero.json").symlink_to("/dev/zero")  # endless, were it read
    (folder / "gone.json").symlink_to("nowhere.json")
    (folder / "itself.json").symlink_to("itself.json")
    (folder / "up").symlink_to("..")
    return {
        "gone.json": "a symbolic link to nowhere.json, which is missing",
        "itself.json": "a symbolic link that loops",
        "pipe.json": "a FIFO (named pipe)",
        "socket.json": "a socket",
        "up": "a directory, through a symbolic link to ..",
        "zero.json": "a character device, through a symbolic link to /dev/zero",
    }


def test_what_holds_no_data_is_one_rejection_naming_it_and_the_good_files_load(
    warehouse, raw_files: RawFiles, make_fifo: MakeFifo, monkeypatch: pytest.MonkeyPatch
):
    source, folder = _songs_with(raw_files)
    expected = _odd_entries(folder, make_fifo, monkeypatch)
    load = _tolerant(warehouse).load_staging(SONGS, source)
    assert load.result.rows_loaded == 1
    assert _rejections(warehouse) == [
        (f"song_data/A/A/A/{name}", 0, ERR_NOT_A_FILE, f"not a file but {reason}")
        for name, reason in sorted(expected.items())
    ]
    assert _reconciled(warehouse)


def test_a_chosen_fifo_or_directory_is_a_rejection_naming_it_without_waiting(
    warehouse, raw_files: RawFiles, make_fifo: MakeFifo
):
    source, folder = _songs_with(raw_files)
    make_fifo(folder / "pipe.json")
    chosen = [SONG, "song_data/A/A/A/pipe.json", "song_data/A/A"]
    load = _tolerant(warehouse).load_staging(SONGS, source, files=chosen)
    assert load.result.rows_loaded == 1
    assert [(name, reason) for name, _, _, reason in _rejections(warehouse)] == [
        ("song_data/A/A", "not a file but a directory"),
        ("song_data/A/A/A/pipe.json", "not a file but a FIFO (named pipe)"),
    ]


def test_a_jsonpaths_file_that_is_a_fifo_fails_the_load_in_one_line_without_waiting(
    warehouse, raw_files: RawFiles, make_fifo: MakeFifo
):
    source = raw_files({DAY: ndjson(event())})
    make_fifo(Path(source.location) / EVENTS.jsonpaths)
    with pytest.raises(SourceError) as failure:
        warehouse.load_staging(EVENTS, source)
    assert str(failure.value) == (
        f"cannot read {source.location}/{EVENTS.jsonpaths}: not a file but a FIFO (named pipe)"
    )


def test_with_maxerror_0_what_holds_no_data_fails_the_load_naming_it(
    warehouse, raw_files: RawFiles
):
    source, folder = _songs_with(raw_files)
    (folder / "gone.json").symlink_to("nowhere.json")
    with pytest.raises(LoadFailed, match=r"gone\.json line 0: not a file but a symbolic link"):
        warehouse.load_staging(SONGS, source)


# --- Files that can't be read: the load fails in one line naming the file ----------------------


def test_a_file_gone_since_it_was_listed_fails_the_load_in_one_line_naming_it(
    warehouse, raw_files: RawFiles
):
    source, _ = _songs_with(raw_files)
    missing = "song_data/A/A/A/TRGONE.json"  # chosen, so never listed: as if removed since
    with pytest.raises(SourceError) as failure:
        warehouse.load_staging(SONGS, source, files=[SONG, missing])
    assert str(failure.value) == (
        f"cannot read {source.location}/{missing}: No such file or directory"
    )


def test_a_file_whose_read_fails_fails_the_load_in_one_line_naming_it_even_as_root(
    warehouse, raw_files: RawFiles
):
    """/proc/self/mem is a regular file whose first page is never mapped: reading it fails
    with EIO whoever reads it, as a failing disk would."""
    source, folder = _songs_with(raw_files)
    (folder / "mem.json").symlink_to("/proc/self/mem")
    warehouse.load_staging(SONGS, raw_files({SONG: json.dumps(song(song_id="SOOLD"))}))
    with pytest.raises(SourceError, match=r"^cannot read .*/mem\.json: Input/output error$"):
        _tolerant(warehouse).load_staging(SONGS, source)
    assert _fetch(warehouse, "SELECT song_id FROM staging_songs") == [("SOOLD",)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_a_file_without_read_permission_fails_the_load_in_one_line_naming_it(
    warehouse, raw_files: RawFiles
):
    source, folder = _songs_with(raw_files)
    locked = folder / "locked.json"
    locked.write_text(json.dumps(song()))
    locked.chmod(0)
    with pytest.raises(SourceError, match=r"^cannot read .*/locked\.json: Permission denied$"):
        _tolerant(warehouse).load_staging(SONGS, source)


# --- Chosen keys resolve inside their table's folder -------------------------------------------


def test_a_chosen_key_that_leads_out_of_its_tables_folder_is_refused_before_reading(
    warehouse, raw_files: RawFiles, tmp_path: Path
):
    source, folder = _songs_with(raw_files)
    outside = tmp_path / "secret.json"
    outside.write_text(json.dumps(song(song_id="SOSECRET")))
    (folder / "out.json").symlink_to(outside)
    events = Path(source.location) / DAY
    events.parent.mkdir(parents=True)
    events.write_text(ndjson(event()))
    (folder / "events.json").symlink_to(events)
    for key, target in (("out.json", outside), ("events.json", events)):
        with pytest.raises(SourceError) as refused:
            warehouse.load_staging(SONGS, source, files=[SONG, f"song_data/A/A/A/{key}"])
        assert str(refused.value).startswith(
            f"{source.location}/song_data/A/A/A/{key} leads, through a symbolic link, to "
            f"{target}, outside "
        )


def test_a_chosen_key_under_a_linked_table_folder_is_read(warehouse, tmp_path: Path):
    elsewhere = tmp_path / "disk2" / "song_data"
    (elsewhere / "A/A/A").mkdir(parents=True)
    (elsewhere / "A/A/A/TRAAAAAAAAAAAAAAAA.json").write_text(json.dumps(song()))
    root = tmp_path / "raw"
    root.mkdir()
    (root / "song_data").symlink_to(elsewhere)
    load = warehouse.load_staging(SONGS, RawSourceResource(location=str(root)), files=[SONG])
    assert load.result.rows_loaded == 1


@pytest.mark.parametrize(
    "key", ["song_data_evil/x.json", "song_data/caf\udce9.json", "song_data/..", "song_data/"]
)
def test_a_chosen_key_outside_the_prefix_or_not_utf8_is_refused_naming_it(
    warehouse, raw_files: RawFiles, key: str
):
    source, _ = _songs_with(raw_files)
    with pytest.raises(SourceError, match="not a file under song_data/ of the source"):
        warehouse.load_staging(SONGS, source, files=[key])


# --- One consistent version of each file -------------------------------------------------------


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
    assert _fetch(warehouse, "SELECT user_id FROM staging_events") == [(1,)]
    assert _fetch(warehouse, "SELECT COUNT(*) FROM load_history WHERE status = 'committed'") == [
        (1,)
    ]


def test_a_log_replaced_by_a_rename_while_the_load_reads_it_loads_the_version_opened(
    warehouse, raw_files: RawFiles, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    def replace(path: Path) -> None:
        (tmp_path / "new.json").write_text(ndjson(event()))
        os.replace(tmp_path / "new.json", path)

    _load_changing(warehouse, raw_files, monkeypatch, replace)
    assert _fetch(warehouse, "SELECT COUNT(*) FROM staging_events") == [(LOADED_ROWS,)]


# --- load_errors holds every rejection whatever its length -------------------------------------


def _deep_bad_file(source: RawSourceResource) -> str:
    """A song file 2,000 characters deep holding one line that is not JSON."""
    key = "song_data/" + "/".join(["x" * 199] * 10) + "/TRBAD.json"
    path = Path(source.location) / key
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    return key


def test_a_rejection_in_a_file_at_the_end_of_a_long_path_is_recorded_with_its_whole_name(
    warehouse, raw_files: RawFiles
):
    source, _ = _songs_with(raw_files)
    key = _deep_bad_file(source)
    _tolerant(warehouse).load_staging(SONGS, source)
    assert [(name, line) for name, line, _, _ in _rejections(warehouse)] == [(key, 1)]


def test_a_warehouse_made_by_the_older_ddl_is_widened_and_keeps_its_rows(
    warehouse, raw_files: RawFiles
):
    with warehouse.session() as session:
        session.cursor.execute(OLD_LOAD_ERRORS)
        session.cursor.execute(
            "INSERT INTO load_errors VALUES ('old', now(), 't', 'f', 1, NULL, NULL, NULL, NULL,"
            " 1200, 'kept')"
        )
    source, _ = _songs_with(raw_files)
    key = _deep_bad_file(source)
    _tolerant(warehouse).load_staging(SONGS, source)
    rejections = {(name, line, reason) for name, line, _, reason in _rejections(warehouse)}
    assert ("f", 1, "kept") in rejections
    assert (key, 1) in {(name, line) for name, line, _ in rejections}
    with warehouse.session() as session:
        migrated = session.columns("load_errors")
        session.cursor.execute("DROP TABLE load_errors")
        session.create_meta()
        assert migrated == session.columns("load_errors")


def test_a_rejection_longer_than_its_column_is_cut_to_fit_with_a_marker(
    warehouse, raw_files: RawFiles
):
    source, folder = _songs_with(raw_files)
    (folder / "gone.json").symlink_to("/n" * 1_500)  # its reason names the link's target
    _tolerant(warehouse).load_staging(SONGS, source)
    [(_, _, _, reason)] = _rejections(warehouse)
    assert len(reason) == 512 and reason.endswith("…")
    assert reason.startswith("not a file but a symbolic link to /n/n/n")


def test_on_redshift_a_text_is_cut_to_its_width_in_bytes_between_characters():
    assert fit_text("é" * 600, 1024, Target.REDSHIFT) == "é" * 510 + "…"  # 1,020 + 3 bytes
    assert fit_text("é" * 600, 1024, Target.LOCAL) == "é" * 600  # PostgreSQL counts characters
    assert fit_text("s3://b/" + "k" * 2_000, 1024, Target.LOCAL).endswith("k…")
    assert fit_text(12, 1, Target.REDSHIFT) == 12


def test_a_file_name_with_a_tab_a_line_break_and_a_backslash_is_recorded_as_it_is(
    warehouse, raw_files: RawFiles
):
    source, folder = _songs_with(raw_files)
    (folder / "a\tb\nc\\d.json").write_text("{not json")
    _tolerant(warehouse).load_staging(SONGS, source)
    assert [name for name, *_ in _rejections(warehouse)] == ["song_data/A/A/A/a\tb\nc\\d.json"]
