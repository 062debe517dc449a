"""What the generated Sparkify dataset holds, checked by re-reading its files: the ground truth
it writes beside them, recomputed, and the traps of the real data it reproduces."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from sparkify_assets.sample.generate import GroundTruth, generate
from sparkify_assets.sample.ground_truth import load_ground_truth
from sparkify_assets_tests.support.generated import (
    SONG_KEYS,
    log_files,
    read_events,
    read_songs,
    song_files,
    utc_day,
)


def repair(text: str) -> str:
    """Undo the logs' damage the way the real data needs: two Latin-1 → UTF-8 round trips."""
    for _ in range(2):
        text = text.encode("latin-1").decode("utf-8")
    return text


def plays_of(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["page"] == "NextSong" and e["userId"]]


def identity(song: dict[str, Any]) -> tuple[str, str, float]:
    """What a play must equal to match the song: title, artist name (as text) and duration."""
    return str(song["title"]), str(song["artist_name"]), song["duration"]


def play_key(play: dict[str, Any]) -> tuple[str, str, float]:
    return repair(play["song"]), repair(play["artist"]), play["length"]


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
