"""A local source as file systems really are: links that loop or lead nowhere, FIFOs, sockets
and devices, names that are not UTF-8, paths of thousands of folders, files that cannot be
read, chosen keys that lead elsewhere. Each is a row of load_errors naming it, or one line
naming it that fails the load; never a traceback or a hang. (Files that change while they are
read: test_changing_files.py; rejections of any length: test_rejection_lengths.py.)"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sparkify_assets.copyjson.local_files import (
    ERR_NOT_A_FILE,
)
from sparkify_assets.model.tables import STAGING_TABLES
from sparkify_assets.warehouse.loading import LoadFailed
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.source import RawSourceResource, SourceError
from sparkify_assets_tests.conftest import RawFiles
from sparkify_assets_tests.support.local_source import (
    DAY,
    SONG,
    fetch,
    load_errors_of,
    songs_with,
    tolerant,
)
from sparkify_assets_tests.support.rawdata import event, ndjson, song

EVENTS, SONGS = STAGING_TABLES


def _reconciled(warehouse: WarehouseResource) -> bool:
    rows = fetch(warehouse, "SELECT records_read, rows_loaded, rejected FROM load_history")
    return all(read == loaded + rejected for read, loaded, rejected in rows)


MakeFifo = Callable[[Path], None]


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
    source, folder = songs_with(raw_files)
    (folder / "up").symlink_to("../..")
    (folder / "itself").symlink_to("itself")
    keys = source.list_keys("song_data/")
    assert sorted(keys) == [SONG, "song_data/A/A/A/itself", "song_data/A/A/A/up"]


def test_a_link_to_a_sibling_folder_is_followed_as_a_listing_follows_links(raw_files: RawFiles):
    source, folder = songs_with(raw_files)
    (folder.parent / "B").symlink_to("A")
    assert source.list_keys("song_data/") == [SONG, SONG.replace("A/A/A/", "A/A/B/")]


def test_a_name_that_is_not_utf8_is_refused_in_one_line_showing_its_bytes(raw_files: RawFiles):
    source, folder = songs_with(raw_files)
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
    source, _ = songs_with(raw_files)
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
    source, folder = songs_with(raw_files)
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
    source, folder = songs_with(raw_files)
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
    source, folder = songs_with(raw_files)
    expected = _odd_entries(folder, make_fifo, monkeypatch)
    load = tolerant(warehouse).load_staging(SONGS, source)
    assert load.result.rows_loaded == 1
    assert load_errors_of(warehouse) == [
        (f"song_data/A/A/A/{name}", 0, ERR_NOT_A_FILE, f"not a file but {reason}")
        for name, reason in sorted(expected.items())
    ]
    assert _reconciled(warehouse)


def test_a_chosen_fifo_or_directory_is_a_rejection_naming_it_without_waiting(
    warehouse, raw_files: RawFiles, make_fifo: MakeFifo
):
    source, folder = songs_with(raw_files)
    make_fifo(folder / "pipe.json")
    chosen = [SONG, "song_data/A/A/A/pipe.json", "song_data/A/A"]
    load = tolerant(warehouse).load_staging(SONGS, source, files=chosen)
    assert load.result.rows_loaded == 1
    assert [(name, reason) for name, _, _, reason in load_errors_of(warehouse)] == [
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
    source, folder = songs_with(raw_files)
    (folder / "gone.json").symlink_to("nowhere.json")
    with pytest.raises(LoadFailed, match=r"gone\.json line 0: not a file but a symbolic link"):
        warehouse.load_staging(SONGS, source)


# --- Files that can't be read: the load fails in one line naming the file ----------------------


def test_a_file_gone_since_it_was_listed_fails_the_load_in_one_line_naming_it(
    warehouse, raw_files: RawFiles
):
    source, _ = songs_with(raw_files)
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
    source, folder = songs_with(raw_files)
    (folder / "mem.json").symlink_to("/proc/self/mem")
    warehouse.load_staging(SONGS, raw_files({SONG: json.dumps(song(song_id="SOOLD"))}))
    with pytest.raises(SourceError, match=r"^cannot read .*/mem\.json: Input/output error$"):
        tolerant(warehouse).load_staging(SONGS, source)
    assert fetch(warehouse, "SELECT song_id FROM staging_songs") == [("SOOLD",)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_a_file_without_read_permission_fails_the_load_in_one_line_naming_it(
    warehouse, raw_files: RawFiles
):
    source, folder = songs_with(raw_files)
    locked = folder / "locked.json"
    locked.write_text(json.dumps(song()))
    locked.chmod(0)
    with pytest.raises(SourceError, match=r"^cannot read .*/locked\.json: Permission denied$"):
        tolerant(warehouse).load_staging(SONGS, source)


# --- Chosen keys resolve inside their table's folder -------------------------------------------


def test_a_chosen_key_that_leads_out_of_its_tables_folder_is_refused_before_reading(
    warehouse, raw_files: RawFiles, tmp_path: Path
):
    source, folder = songs_with(raw_files)
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
    source, _ = songs_with(raw_files)
    with pytest.raises(SourceError, match="not a file under song_data/ of the source"):
        warehouse.load_staging(SONGS, source, files=[key])
