"""Rules the generated Sparkify dataset must obey, checked by re-reading the files it writes."""

from __future__ import annotations

import datetime
import itertools
import json
import os
import re
import subprocess
import sys
import tracemalloc
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from sparkify_assets.cli.pipeline import ProgressLine
from sparkify_assets.sample import generate as generate_module
from sparkify_assets.sample import generate as generator
from sparkify_assets.sample.generate import (
    GroundTruth,
    Progress,
    generate,
    load_ground_truth,
    users_for_events,
)

LOG_KEYS = [
    "artist", "auth", "firstName", "gender", "itemInSession", "lastName", "length", "level",
    "location", "method", "page", "registration", "sessionId", "song", "status", "ts",
    "userAgent", "userId",
]  # fmt: skip
SONG_KEYS = [
    "artist_id", "artist_latitude", "artist_location", "artist_longitude", "artist_name",
    "duration", "num_songs", "song_id", "title", "year",
]  # fmt: skip
SMALL = {"users": 12, "songs": 60, "days": 4}
LOG_FILE = re.compile(r"log_data/(\d{4})/(\d{2})/(\d{4})-(\d{2})-(\d{2})-events\.json")
SONG_FILE = re.compile(r"song_data/([A-Z])/([A-Z])/([A-Z])/(TR[A-Z0-9]{16})\.json")
SPARKIFY = str(Path(sys.executable).parent / "sparkify")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def log_files(root: Path) -> list[Path]:
    return sorted((root / "log_data").rglob("*.json"))


def song_files(root: Path) -> list[Path]:
    return sorted((root / "song_data").rglob("*.json"))


def read_events(root: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in log_files(root)
        for line in path.read_text(encoding="utf-8").split("\n")
    ]


def read_songs(root: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in song_files(root)]


def repair(text: str) -> str:
    """Undo the logs' damage the way the real data needs: two Latin-1 → UTF-8 round trips."""
    for _ in range(2):
        text = text.encode("latin-1").decode("utf-8")
    return text


def real_style(value: Any) -> str:
    """How the real files serialise: compact, ASCII with \\u escapes, every `/` as `\\/`."""
    return json.dumps(value, separators=(",", ":")).replace("/", "\\/")


def plays_of(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["page"] == "NextSong" and e["userId"]]


def identity(song: dict[str, Any]) -> tuple[str, str, float]:
    """What a play must equal to match the song: title, artist name (as text) and duration."""
    return str(song["title"]), str(song["artist_name"]), song["duration"]


def play_key(play: dict[str, Any]) -> tuple[str, str, float]:
    return repair(play["song"]), repair(play["artist"]), play["length"]


def utc_day(ts: int) -> str:
    return datetime.datetime.fromtimestamp(ts / 1000, datetime.UTC).date().isoformat()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GroundTruth]:
    root = tmp_path_factory.mktemp("sparkify") / "raw"
    return root, generate(root)


@pytest.fixture(scope="module")
def events(dataset: tuple[Path, GroundTruth]) -> list[dict[str, Any]]:
    return read_events(dataset[0])


@pytest.fixture(scope="module")
def songs(dataset: tuple[Path, GroundTruth]) -> list[dict[str, Any]]:
    return read_songs(dataset[0])


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


# --- the ground truth, recomputed from the files ------------------------------------------------


def test_ground_truth_matches_the_written_files(
    dataset: tuple[Path, GroundTruth],
    events: list[dict[str, Any]],
    songs: list[dict[str, Any]],
) -> None:
    root, truth = dataset
    plays = plays_of(events)
    # The warehouse's rule: a play matches the song with its identity, the smallest id on ties.
    song_of: dict[tuple[str, str, float], str] = {}
    for song in sorted(songs, key=lambda s: s["song_id"], reverse=True):
        song_of[identity(song)] = song["song_id"]
    pairs = {(title, artist) for title, artist, _ in song_of}
    keys = [play_key(p) for p in plays]
    latest = {}
    for event in sorted(events, key=lambda e: (e["ts"], e["itemInSession"])):
        if event["userId"]:
            latest[event["userId"]] = event["level"]
    assert truth.events == len(events)
    assert truth.logged_out_events == sum(1 for e in events if not e["userId"])
    assert truth.nextsong_plays == len(plays)
    assert truth.matched_plays == sum(1 for key in keys if key in song_of)
    assert truth.near_miss_plays == sum(1 for k in keys if k not in song_of and k[:2] in pairs)
    assert truth.users == len({e["userId"] for e in events if e["userId"]})
    assert truth.songs == truth.song_files == len(songs) == len(song_files(root))
    assert truth.artists == len({s["artist_id"] for s in songs})
    assert truth.artist_rows == len({tuple(s[k] for k in SONG_KEYS[:5]) for s in songs})
    assert truth.distinct_start_times == len({p["ts"] for p in plays})
    assert truth.plays_per_day == dict(Counter(utc_day(p["ts"]) for p in plays))
    assert truth.latest_level == latest
    assert truth.plays_per_song == dict(Counter(song_of[k] for k in keys if k in song_of))
    assert truth.log_files == len(log_files(root)) == 30
    assert load_ground_truth(root) == truth


def test_plays_per_song_names_songs_that_exist_and_adds_up_to_the_matched_plays(
    dataset: tuple[Path, GroundTruth], songs: list[dict[str, Any]]
) -> None:
    truth = dataset[1]
    assert set(truth.plays_per_song) <= {s["song_id"] for s in songs}
    assert all(plays > 0 for plays in truth.plays_per_song.values())
    assert sum(truth.plays_per_song.values()) == truth.matched_plays
    assert max(truth.plays_per_song.values()) > 3  # some songs are hits


def test_ground_truth_holds_at_a_larger_size_from_two_workers(tmp_path: Path) -> None:
    truth = generate(tmp_path, users=400, songs=3000, days=8, seed=11, workers=2)
    events, songs = read_events(tmp_path), read_songs(tmp_path)
    song_of = {identity(song): song["song_id"] for song in songs}
    keys = [play_key(p) for p in plays_of(events)]
    assert truth.events == len(events) > 8000
    assert truth.matched_plays == sum(1 for key in keys if key in song_of)
    assert truth.plays_per_song == dict(Counter(song_of[k] for k in keys if k in song_of))
    assert truth.distinct_start_times == len({p["ts"] for p in plays_of(events)})


# --- the traps of the real data -----------------------------------------------------------------


def test_size_and_page_mix_resemble_the_real_logs(
    dataset: tuple[Path, GroundTruth], events: list[dict[str, Any]]
) -> None:
    truth = dataset[1]
    assert 0.7 * 9000 < truth.events < 1.3 * 9000  # about users * days * 3
    assert 0.70 <= truth.nextsong_plays / truth.events <= 0.80
    assert truth.users > 90


def test_logged_out_events_have_an_empty_user_id_and_no_person(
    events: list[dict[str, Any]],
) -> None:
    logged_out = [e for e in events if e["auth"] == "Logged Out"]
    assert logged_out
    assert all(not e["userId"] for e in events if e["auth"] != "Logged In")
    for event in logged_out:
        assert event["userId"] == ""
        assert event["page"] != "NextSong"
        assert event["level"] in ("free", "paid")
        for key in ("firstName", "lastName", "gender", "location", "userAgent", "registration"):
            assert event[key] is None


def test_only_plays_name_a_song_and_methods_follow_the_page(events: list[dict[str, Any]]) -> None:
    expected = {
        "NextSong": ("PUT", 200), "Logout": ("PUT", 307), "Login": ("PUT", 307),
        "Submit Upgrade": ("PUT", 307), "Submit Downgrade": ("PUT", 307),
        "Save Settings": ("PUT", 307), "Error": ("GET", 404), "Home": ("GET", 200),
    }  # fmt: skip
    pages = Counter(e["page"] for e in events)
    assert set(expected) | {"Settings", "Help", "About", "Upgrade", "Downgrade"} <= set(pages)
    for event in events:
        named = [event[key] is not None for key in ("artist", "song", "length")]
        assert named == [event["page"] == "NextSong"] * 3
        method, status = expected.get(event["page"], ("GET", 200))
        assert (event["method"], event["status"]) == (method, status)


def test_most_but_not_all_user_agents_are_wrapped_in_quotes(events: list[dict[str, Any]]) -> None:
    agents = [e["userAgent"] for e in events if e["userAgent"] is not None]
    quoted = [a for a in agents if a.startswith('"') and a.endswith('"')]
    assert len(agents) > len(quoted) > len(agents) / 2


def test_registration_is_a_float_and_user_id_a_string(events: list[dict[str, Any]]) -> None:
    for event in events:
        if event["userId"]:
            assert type(event["registration"]) is float and event["registration"].is_integer()
            assert event["userId"].isdigit()


def test_log_text_is_double_encoded_utf8_and_song_text_is_not(
    events: list[dict[str, Any]], songs: list[dict[str, Any]]
) -> None:
    log_text = {
        e[key] for e in events for key in ("artist", "song", "location", "firstName", "lastName")
    }
    mangled = {t for t in log_text if isinstance(t, str) and not t.isascii()}
    assert "Ã" in "".join(mangled)
    repaired = {repair(t) for t in mangled}  # raises if any text is not double-encoded
    assert all(not t.isascii() and "Ã" not in t for t in repaired)
    song_text = {s[k] for s in songs for k in ("title", "artist_name") if isinstance(s[k], str)}
    accented = {t for t in song_text if not t.isascii()}
    assert accented & repaired  # some played songs have non-ASCII names
    for text in accented:
        with pytest.raises(UnicodeDecodeError):
            repair(text)


def test_some_titles_and_artist_names_are_json_numbers_and_played_as_text(
    events: list[dict[str, Any]], songs: list[dict[str, Any]]
) -> None:
    numeric = [s for s in songs if not isinstance(s["title"], str)]
    assert any(type(s["title"]) is float for s in numeric)
    assert any(type(s["artist_name"]) is int for s in songs)
    played = {(p["song"], p["artist"], p["length"]) for p in plays_of(events)}
    assert any(identity(s) in played for s in numeric)


def test_songs_have_year_zero_null_coordinates_and_empty_locations(
    songs: list[dict[str, Any]],
) -> None:
    assert any(s["year"] == 0 for s in songs)
    assert any(s["year"] > 0 for s in songs)
    assert sum(s["artist_latitude"] is None for s in songs) > len(songs) / 3
    assert all((s["artist_latitude"] is None) == (s["artist_longitude"] is None) for s in songs)
    assert any(s["artist_location"] == "" for s in songs)


def test_an_artist_id_appears_under_several_names(
    dataset: tuple[Path, GroundTruth], songs: list[dict[str, Any]]
) -> None:
    names = defaultdict(set)
    for song in songs:
        names[song["artist_id"]].add(song["artist_name"])
    assert max(len(n) for n in names.values()) >= 2
    assert dataset[1].artist_rows > dataset[1].artists


def test_levels_change_including_paid_free_paid(events: list[dict[str, Any]]) -> None:
    history = defaultdict(list)
    for event in sorted(events, key=lambda e: (e["ts"], e["itemInSession"])):
        if event["userId"]:
            history[event["userId"]].append(event["level"])
    runs = {user: [level for level, _ in itertools.groupby(h)] for user, h in history.items()}
    assert ["free", "paid"] in runs.values()
    assert any(r[:3] == ["paid", "free", "paid"] for r in runs.values())


def test_plays_match_miss_or_match_title_and_artist_with_another_length(
    events: list[dict[str, Any]], songs: list[dict[str, Any]], dataset: tuple[Path, GroundTruth]
) -> None:
    identities = {identity(s) for s in songs}
    pairs = {(title, artist) for title, artist, _ in identities}
    keys = [play_key(p) for p in plays_of(events)]
    assert dataset[1].matched_plays > 0
    assert any(k not in identities and k[:2] in pairs for k in keys)
    assert any(k[:2] not in pairs for k in keys)


def test_a_play_names_at_most_one_song_by_construction(
    events: list[dict[str, Any]], songs: list[dict[str, Any]]
) -> None:
    """Durations are distinct, so (title, artist, duration) is one song; a play with another
    length hits no song's duration; a song missing from song_data has an artist no file has."""
    durations = {s["duration"] for s in songs}
    assert len(durations) == len(songs)
    identities = {identity(s) for s in songs}
    pairs = {(title, artist) for title, artist, _ in identities}
    artists = {artist for _, artist, _ in identities}
    for title, artist, length in map(play_key, plays_of(events)):
        if (title, artist, length) in identities:
            continue
        if (title, artist) in pairs:
            assert length not in durations
        else:
            assert artist not in artists


def test_some_plays_share_a_ts(dataset: tuple[Path, GroundTruth]) -> None:
    assert dataset[1].distinct_start_times < dataset[1].nextsong_plays


def test_sessions_number_their_items_from_zero(events: list[dict[str, Any]]) -> None:
    keys = [(e["userId"], e["sessionId"], e["itemInSession"]) for e in events]
    assert len(set(keys)) == len(keys)
    sessions = defaultdict(list)
    for event in sorted(events, key=lambda e: (e["ts"], e["itemInSession"])):
        sessions[event["sessionId"]].append(event["itemInSession"])
    for items in sessions.values():
        assert items == list(range(len(items)))


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
    monkeypatch.setattr(generator, "_PLAYED_CACHE", 64)

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
