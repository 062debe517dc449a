"""How the generator writes the Sparkify dataset: the same bytes for the same arguments, the
real data's layout and serialisation, its size and memory, the command, and where it may write.
(What the data holds, the ground truth and the real data's traps: test_generated_data.py.)"""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
import tracemalloc
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from sparkify_assets.cli.pipeline import ProgressLine
from sparkify_assets.sample import events
from sparkify_assets.sample import generate as generate_module
from sparkify_assets.sample.generate import GroundTruth, Progress, generate, users_for_events
from sparkify_assets.sample.ground_truth import load_ground_truth
from sparkify_assets_tests.support.generated import SONG_KEYS, log_files, song_files, utc_day

LOG_KEYS = [
    "artist", "auth", "firstName", "gender", "itemInSession", "lastName", "length", "level",
    "location", "method", "page", "registration", "sessionId", "song", "status", "ts",
    "userAgent", "userId",
]  # fmt: skip
SMALL = {"users": 12, "songs": 60, "days": 4}
LOG_FILE = re.compile(r"log_data/(\d{4})/(\d{2})/(\d{4})-(\d{2})-(\d{2})-events\.json")
SONG_FILE = re.compile(r"song_data/([A-Z])/([A-Z])/([A-Z])/(TR[A-Z0-9]{16})\.json")
SPARKIFY = str(Path(sys.executable).parent / "sparkify")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def real_style(value: Any) -> str:
    """How the real files serialise: compact, ASCII with \\u escapes, every `/` as `\\/`."""
    return json.dumps(value, separators=(",", ":")).replace("/", "\\/")


# --- determinism and layout ---------------------------------------------------------------------


def test_same_arguments_give_byte_identical_trees(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert generate(first, seed=7, **SMALL) == generate(second, seed=7, **SMALL)
    assert tree(first) == tree(second)


def test_the_number_of_worker_processes_changes_no_byte(tmp_path: Path) -> None:
    size = {"users": 40, "songs": 300, "days": 6, "seed": 3}
    alone = generate(tmp_path / "one", workers=1, **size)
    shared = generate(tmp_path / "two", workers=2, **size)
    assert alone == shared
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=7, **SMALL)
    generate(tmp_path / "b", seed=8, **SMALL)
    assert tree(tmp_path / "a") != tree(tmp_path / "b")


def test_layout_is_one_log_file_per_day_and_one_song_file_per_track(tmp_path: Path) -> None:
    truth = generate(tmp_path, start=datetime.date(2018, 12, 30), **SMALL)
    assert {p.name for p in tmp_path.iterdir()} == {
        "log_data", "song_data", "log_json_path.json", "ground_truth.json",
    }  # fmt: skip
    names = [p.relative_to(tmp_path).as_posix() for p in log_files(tmp_path)]
    assert names == [
        "log_data/2018/12/2018-12-30-events.json", "log_data/2018/12/2018-12-31-events.json",
        "log_data/2019/01/2019-01-01-events.json", "log_data/2019/01/2019-01-02-events.json",
    ]  # fmt: skip
    for name in names:
        year, month, year_again, month_again, _ = LOG_FILE.fullmatch(name).groups()
        assert (year, month) == (year_again, month_again)
    paths = song_files(tmp_path)
    assert len(paths) == truth.song_files == SMALL["songs"]
    for path in paths:
        match = SONG_FILE.fullmatch(path.relative_to(tmp_path).as_posix())
        assert match, path
        assert "".join(match.groups()[:3]) == match.group(4)[2:5]


def test_log_json_path_lists_the_18_keys_like_the_real_file(tmp_path: Path) -> None:
    generate(tmp_path, **SMALL)
    text = (tmp_path / "log_json_path.json").read_text(encoding="ascii")
    assert json.loads(text) == {"jsonpaths": [f"$['{key}']" for key in LOG_KEYS]}
    assert text.startswith('{\n    "jsonpaths": [\n        "$[\'artist\']",\n')
    assert text.endswith("\n    ]\n}")


def test_files_have_no_trailing_newline_and_are_ascii(dataset: tuple[Path, GroundTruth]) -> None:
    for path in log_files(dataset[0]) + song_files(dataset[0]):
        raw = path.read_bytes()
        assert not raw.endswith(b"\n"), path
        assert raw.isascii(), path


def test_every_line_and_song_file_is_byte_for_byte_the_real_serialisation(
    dataset: tuple[Path, GroundTruth],
) -> None:
    for path in log_files(dataset[0]):
        for line in path.read_text(encoding="ascii").split("\n"):
            assert line == real_style(json.loads(line))
    for path in song_files(dataset[0]):
        text = path.read_text(encoding="ascii")
        assert text == real_style(json.loads(text))


def test_log_lines_are_compact_json_in_the_real_key_order(
    dataset: tuple[Path, GroundTruth],
) -> None:
    for path in log_files(dataset[0]):
        for line in path.read_text(encoding="ascii").split("\n"):
            event = json.loads(line)
            assert list(event) == LOG_KEYS
            assert line.startswith('{"artist":') and ',"auth":"' in line
            assert "/" not in line.replace("\\/", "")  # every slash escaped, as in the real logs
            assert re.search(r',"registration":(null|\d{13}\.0),', line)
            assert re.search(r',"userId":"\d*"}$', line)
            for key in ("itemInSession", "sessionId", "status", "ts"):
                assert type(event[key]) is int


def test_song_files_hold_one_object_in_the_real_key_order(
    songs: list[dict[str, Any]],
) -> None:
    for song in songs:
        assert list(song) == SONG_KEYS
        assert re.fullmatch(r"AR[A-Z0-9]{16}", song["artist_id"])
        assert re.fullmatch(r"SO[A-Z0-9]{16}", song["song_id"])
        assert song["num_songs"] == 1
        assert type(song["duration"]) is float


def test_ids_are_unique_and_an_artist_id_names_one_artist(
    dataset: tuple[Path, GroundTruth], songs: list[dict[str, Any]]
) -> None:
    assert len({s["song_id"] for s in songs}) == len(songs)
    tracks = [path.stem for path in song_files(dataset[0])]
    assert len(set(tracks)) == len(tracks) == dataset[1].song_files
    places = defaultdict(set)
    for song in songs:
        places[song["artist_id"]].add((song["artist_latitude"], song["artist_longitude"]))
    assert all(len(coordinates) == 1 for coordinates in places.values())


def test_each_day_file_is_in_ts_order_within_its_utc_day(
    dataset: tuple[Path, GroundTruth],
) -> None:
    for path in log_files(dataset[0]):
        day = path.name.removesuffix("-events.json")
        stamps = [json.loads(line)["ts"] for line in path.read_text().split("\n")]
        assert stamps == sorted(stamps)
        assert {utc_day(ts) for ts in stamps} == {day}


# --- size, memory and the command ---------------------------------------------------------------


def test_users_for_events_gets_close_to_the_events_asked_for(tmp_path: Path) -> None:
    days = 6
    truth = generate(tmp_path, users=users_for_events(20_000, days), songs=200, days=days)
    assert 0.9 * 20_000 < truth.events < 1.1 * 20_000


def test_memory_while_writing_does_not_grow_with_songs_or_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old generator kept ~1 KB a song and ~60 bytes a play. Now a song costs a few bytes
    (plus, up to 26² names, its directory's): 4x the songs and events must stay within 100 KiB.
    The caches of what plays print are bounded by construction; made tiny here, they don't
    hide anything else that would grow."""
    monkeypatch.setattr(events, "_PLAYED_CACHE", 64)

    def peak_while_writing(name: str, **size: int) -> int:
        peaks: list[int] = []
        tracemalloc.start()
        try:
            generate(
                tmp_path / name,
                workers=1,
                progress=lambda _: peaks.append(tracemalloc.get_traced_memory()[1]),
                **size,
            )
        finally:
            tracemalloc.stop()
        return peaks[-1]

    peak_while_writing("warm-up", users=20, songs=100, days=2)  # first-call allocations
    base = peak_while_writing("base", users=20, songs=400, days=5)
    bigger = peak_while_writing("bigger", users=20, songs=1600, days=20)
    assert bigger - base < 100 * 1024, (base, bigger)


def test_the_command_sizes_a_dataset_by_events(tmp_path: Path) -> None:
    out = tmp_path / "out"
    completed = subprocess.run(
        [SPARKIFY, "generate", "--out", str(out), "--events", "6000", "--days", "4"],
        env={**os.environ, "SPARKIFY_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    truth = load_ground_truth(out)
    assert 0.8 * 6000 < truth.events < 1.2 * 6000
    assert (truth.log_files, truth.song_files) == (4, 1000)  # songs: at least 1000
    assert f"Wrote {truth.events:,} events" in completed.stdout


def test_progress_shows_every_couple_of_seconds_with_rate_and_time_left(
    capsys: pytest.CaptureFixture[str],
) -> None:
    show = ProgressLine(songs=1000, days=10)
    show(Progress(song_files=100, log_files=1, events=500, elapsed=1.0, done=0.1))
    assert capsys.readouterr().err == ""  # a small dataset is done before the first line
    show(Progress(song_files=500, log_files=5, events=20_000, elapsed=2.5, done=0.5))
    show(Progress(song_files=600, log_files=6, events=24_000, elapsed=3.0, done=0.6))
    assert capsys.readouterr().err == (
        "  500/1,000 song files, 5/10 log files, 20,000 events (8,000/s), about 2 s left\n"
    )


# --- where it writes ----------------------------------------------------------------------------


def test_refuses_a_foreign_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "SOURCE.md").write_text("real data")
    (tmp_path / "log_data").mkdir()
    with pytest.raises(FileExistsError):
        generate(tmp_path, **SMALL)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["SOURCE.md", "log_data"]


def test_refuses_our_file_names_without_a_ground_truth(tmp_path: Path) -> None:
    (tmp_path / "log_data").mkdir()
    with pytest.raises(FileExistsError):
        generate(tmp_path, **SMALL)


def test_rewrites_its_own_previous_output(tmp_path: Path) -> None:
    generate(tmp_path, seed=1, **SMALL)
    truth = generate(tmp_path, seed=2, users=5, songs=20, days=2)
    assert len(log_files(tmp_path)) == 2
    assert len(song_files(tmp_path)) == 20
    assert load_ground_truth(tmp_path) == truth
    fresh = tmp_path.parent / f"{tmp_path.name}-fresh"
    generate(fresh, seed=2, users=5, songs=20, days=2)
    assert tree(tmp_path) == tree(fresh)


def test_an_interrupted_run_leaves_no_ground_truth_that_would_describe_other_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(tmp_path, seed=1, **SMALL)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(generate_module, "_run_tasks", interrupted)
    with pytest.raises(KeyboardInterrupt):
        generate(tmp_path, seed=2, **SMALL)
    assert not (tmp_path / "ground_truth.json").exists()
    monkeypatch.undo()
    truth = generate(tmp_path, seed=2, **SMALL)  # still ours to rewrite
    assert load_ground_truth(tmp_path) == truth
    assert not (tmp_path / ".generating").exists()


def test_rejects_sizes_too_small_for_the_traps(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, songs=3)
