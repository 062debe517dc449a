"""A deterministic, Sparkify-shaped raw dataset with known answers, at any size.

The real Udacity files are too large and too irregular to reason about in tests, so this writes a
tree with the same layout, serialisation and dirty-data traps, plus `ground_truth.json`: the
counts a correct pipeline must reproduce, known by construction while writing, never via SQL.

It stays fast and flat at 10 M events and 1 M songs because nothing grows with the data:
- Every song, artist, missing song and user is a pure function of (seed, its index) (`_Draws`),
  so the process writing a play recomputes the song it names instead of keeping a catalogue.
  What is kept: one day's events (~150 bytes each) while that day is written; bounded caches of
  what plays print (~25 MB at most); for the ground truth 4 bytes per song (plays) and 1 per
  artist (name variants used); ~50 bytes per user. The returned truth itself holds an entry per
  played song.
- Each day draws from its own `random.Random` seeded with (seed, day), and a user's level on a
  day follows from switch days fixed up front, so days (and chunks of song files) are
  independent tasks: any number of worker processes writes the same bytes.
- Catalogue durations are distinct points of an even lattice of 10 µs steps; a play with another
  length is odd on it, and missing songs' artists are named in forms the catalogue never uses.
  So a play matches a song file exactly when it is a catalogue play with the song's own length,
  and the match counts need no lookups.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import itertools
import json
import math
import multiprocessing
import os
import random
import shutil
import string
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

# Key order of a log line; log_json_path.json lists the same keys in the same order.
LOG_KEYS = (
    "artist", "auth", "firstName", "gender", "itemInSession", "lastName", "length", "level",
    "location", "method", "page", "registration", "sessionId", "song", "status", "ts",
    "userAgent", "userId",
)  # fmt: skip
LOG_JSON_PATHS = json.dumps({"jsonpaths": [f"$['{key}']" for key in LOG_KEYS]}, indent=4)
GROUND_TRUTH = "ground_truth.json"
# Present while `generate` writes: an interrupted run leaves it, and no ground truth that would
# describe files it had not finished rewriting. Either marks the directory as ours to rewrite.
GENERATING = ".generating"
_OUTPUTS = frozenset({"log_data", "song_data", "log_json_path.json", GROUND_TRUTH, GENERATING})

# A user has a session on a quarter of the days, of 12 events on average, and logged-out visitors
# add 0.06; measured 3.08-3.10 at 1 M and 10 M events (smaller samples vary more).
EVENTS_PER_USER_DAY = 3.08
# A day's events are held in memory (~200 bytes each) until sorted and written, so the --events
# size knob spreads events over enough days to keep a day near this size.
DAY_EVENTS = 30_000

_PAGES = {  # page -> (method, status), as the real logs pair them
    "NextSong": ("PUT", 200), "Home": ("GET", 200), "Settings": ("GET", 200),
    "Save Settings": ("PUT", 307), "Help": ("GET", 200), "About": ("GET", 200),
    "Error": ("GET", 404), "Upgrade": ("GET", 200), "Downgrade": ("GET", 200),
    "Submit Upgrade": ("PUT", 307), "Submit Downgrade": ("PUT", 307), "Logout": ("PUT", 307),
    "Login": ("PUT", 307),
}  # fmt: skip
# "Level" stands for the Upgrade or Downgrade page, whichever the user's current level offers.
_SIDE_PAGES = ("Home", "Home", "Settings", "Save Settings", "Help", "About", "Error", "Level")
_DAY = 86_400
_MS = 796  # every real ts and registration ends in 796 milliseconds

# Lengths are counted in units of 10 µs (real durations have 5 decimals). Catalogue durations are
# 90 s + an even number of units, distinct per song: an affine bijection of the song index modulo
# a prime, so up to _DURATION_PRIME songs fit below 420 s.
_UNITS = 100_000
_MIN_UNITS = 90 * _UNITS
_DURATION_PRIME = 16_499_963  # the largest prime <= (420 - 90) * _UNITS / 2
# The first three plays of day 0 are fixed so that these always occur: a play of song 0 (float
# title, numeric artist name), of song 1 (non-ASCII artist), and one of song 1 with another
# length. Entries are (song index, units added to the duration: odd, so off the lattice).
_FORCED_PLAYS = ((0, 0), (1, 0), (1, 725_001))

_ALNUM = string.ascii_uppercase + string.digits
_UPPER = string.ascii_uppercase
# Ids are a prefix, an affine bijection of the index written as 6 base-36 digits (unique by
# construction), and random characters.
_ID_CODE_DIGITS = 6
_ID_SPACE = len(_ALNUM) ** _ID_CODE_DIGITS
_SONG_CHUNK = 5_000  # song files per task
_LINES_PER_WRITE = 10_000  # log lines serialised at a time (~5 MB)
_PLAYED_CACHE = 1 << 15  # songs, missing songs and texts a worker keeps ready to print

_PLAIN_WORDS = (
    "Midnight", "River", "Neon", "Garden", "Echo", "Paper", "Velvet", "Thunder", "Glass", "Summer",
    "Ghost", "Harbor", "Silver", "Lantern", "Static", "Wild", "Orbit", "Honey", "Stone", "Fever",
)  # fmt: skip
_ACCENTED_WORDS = (
    "Corazón", "Mañana", "Björk", "Fjördur", "Café", "Señorita", "Über", "Noël", "Ñandú",
    "Garçon", "Sømand", "Élan", "Déjà", "Müde", "Canción",
)  # fmt: skip
_WORDS = _PLAIN_WORDS + _ACCENTED_WORDS
_FIRST_NAMES = {
    "F": ("Ava", "Chloé", "Zoë", "Maya", "Renée", "Lucía", "Nora", "Ingrid", "Hannah", "Sofía"),
    "M": ("Liam", "José", "Noah", "Björn", "Mateo", "Ethan", "André", "Owen", "Jürgen", "Caleb"),
}
_LAST_NAMES = (
    "Smith", "Muñoz", "Nguyen", "Müller", "Walsh", "Núñez", "Okafor", "Larsen", "Pérez", "Brooks",
    "Søndergaard", "Kim",
)  # fmt: skip
_CITIES = (
    "Portland-Vancouver-Hillsboro, OR-WA", "Cañon City, CO", "Española, NM",
    "Austin-Round Rock, TX", "Chicago-Naperville-Elgin, IL-IN-WI", "Lafayette, LA",
    "San Jose-Sunnyvale-Santa Clara, CA", "Tampa-St. Petersburg-Clearwater, FL",
)  # fmt: skip
_ARTIST_PLACES = (
    "Nashville, TN", "Reykjavík, Iceland", "Montréal, Québec", "London, England", "GERMANY",
    "São Paulo, Brazil", "Köln", "Glasgow, Scotland", "Bogotá, Colombia", "Mass. - Boston",
)  # fmt: skip
# Agents containing a comma are the ones the real logs wrap in literal double quotes.
_USER_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/36.0.1985.143 Safari/537.36",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/36.0.1985.143 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/36.0.1985.125 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 "
    "(KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:31.0) Gecko/20100101 Firefox/31.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9; rv:31.0) Gecko/20100101 Firefox/31.0",
)
# Work estimate for progress and for choosing workers: a song file costs about as much as this
# many events (creating a small file dominates).
_SONG_FILE_EVENTS = 20
_PARALLEL_FROM = 300_000  # estimated events (song files weighted) worth starting processes for

_T = TypeVar("_T")


@dataclasses.dataclass(frozen=True)
class GroundTruth:
    """What a correct pipeline must find in the generated files, known while writing them."""

    events: int  # log lines
    logged_out_events: int  # events with userId ""
    nextsong_plays: int  # NextSong events with a non-empty userId
    matched_plays: int  # plays whose repaired song/artist text and length equal a song file's
    near_miss_plays: int  # plays matching a song's title and artist but not its duration
    users: int  # distinct non-empty userIds
    songs: int  # distinct song_ids
    artists: int  # distinct artist_ids
    artist_rows: int  # distinct (artist_id, name, location, latitude, longitude) over song files
    distinct_start_times: int  # distinct ts among plays
    plays_per_day: dict[str, int]  # "YYYY-MM-DD" -> plays; days without plays are left out
    latest_level: dict[str, str]  # userId -> level of the user's last event (ts, itemInSession)
    plays_per_song: dict[str, int]  # song_id -> plays matched to it, in catalogue order; songs
    # without plays are left out
    plays_per_artist: dict[str, int]  # artist_id -> plays matched to its songs; likewise
    plays_per_user: dict[str, int]  # userId -> plays; users without plays are left out
    plays_per_level: dict[str, int]  # "free"/"paid" -> plays at that level
    plays_per_hour: dict[str, int]  # "0".."23" (UTC hour of ts) -> plays; empty hours left out
    active_users_per_day: dict[str, int]  # "YYYY-MM-DD" -> distinct users with a play that day
    song_files: int
    log_files: int

    def to_json(self) -> str:
        """Serialise for ground_truth.json, so tests of later stages need not regenerate: one
        line per field, each by json's C encoder (with `indent`, json falls back to a Python
        encoder that holds every piece of a million-song `plays_per_song` at once)."""
        values = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        lines = (
            f"  {json.dumps(name)}: {json.dumps(value, ensure_ascii=False)}"
            for name, value in values.items()
        )
        return "{\n" + ",\n".join(lines) + "\n}\n"

    @classmethod
    def from_json(cls, text: str) -> GroundTruth:
        """Read back what `to_json` wrote."""
        return cls(**json.loads(text))


@dataclasses.dataclass(frozen=True)
class Progress:
    """How far a `generate` call is, reported after each finished task (a day or song chunk)."""

    song_files: int
    log_files: int
    events: int
    elapsed: float  # seconds since the call started
    done: float  # estimated share of the work finished, 0..1


def load_ground_truth(out: Path) -> GroundTruth:
    """Read the answers of a dataset written earlier by `generate`."""
    return GroundTruth.from_json((out / GROUND_TRUTH).read_text(encoding="utf-8"))


def users_for_events(events: int, days: int) -> int:
    """Users that make about `events` events over `days` days (the exact count is in the truth)."""
    return max(2, round(events / (days * EVENTS_PER_USER_DAY)))


def days_for_events(events: int) -> int:
    """Days for about `events` events: a month, or more so that a day stays near DAY_EVENTS."""
    return max(30, math.ceil(events / DAY_EVENTS))


def generate(
    out: Path,
    *,
    users: int = 100,
    songs: int = 1000,
    days: int = 30,
    seed: int = 42,
    start: datetime.date = datetime.date(2018, 11, 1),
    workers: int | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> GroundTruth:
    """Write a dataset under `out` and return its ground truth (also saved as ground_truth.json).

    The same arguments always give byte-identical files, whatever `workers` is (default: one
    process per CPU for large datasets, else this process; worker processes are spawned, so a
    script calling this needs an `if __name__ == "__main__":` guard). `progress` is called after
    each day and each chunk of song files. `out` must be missing, empty or a previous output of
    this function, so a mistyped path can never wipe real data.
    """
    if users < 2 or songs < 10 or days < 1:
        raise ValueError("the traps need users >= 2, songs >= 10 and days >= 1")
    plan = _Plan(str(out), users, songs, days, seed, start)
    if songs > _DURATION_PRIME or plan.session_stride * days >= 2**31:
        raise ValueError("too large: songs must fit the duration lattice, session ids an INTEGER")
    if workers is None:
        estimate = plan.expected_events + songs * _SONG_FILE_EVENTS
        workers = (os.cpu_count() or 1) if estimate >= _PARALLEL_FROM else 1
    _prepare(out)
    (out / "log_json_path.json").write_text(LOG_JSON_PATHS, encoding="ascii")
    tally = _Tally(plan, progress)
    for result in _run_tasks(plan, workers):
        tally.add(result)
    truth = tally.truth(_Catalogue(plan), _People(plan))
    (out / GROUND_TRUTH).write_text(truth.to_json(), encoding="utf-8")
    (out / GENERATING).unlink()
    return truth


def _prepare(out: Path) -> None:
    """Clear our own previous output, but refuse any directory we did not write."""
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a directory")
    entries = {entry.name for entry in out.iterdir()} if out.exists() else set()
    ours = GROUND_TRUTH in entries or GENERATING in entries
    if entries and not (ours and entries <= _OUTPUTS):
        raise FileExistsError(
            f"refusing to write into {out}: it is not empty and is not a previous generator output"
        )
    out.mkdir(parents=True, exist_ok=True)
    (out / GENERATING).touch()
    (out / GROUND_TRUTH).unlink(missing_ok=True)
    for name in ("log_data", "song_data"):
        shutil.rmtree(out / name, ignore_errors=True)


@dataclasses.dataclass(frozen=True)
class _Plan:
    """The arguments of one `generate` call: all a worker process needs to do any task."""

    out: str
    users: int
    songs: int
    days: int
    seed: int
    start: datetime.date

    @property
    def session_stride(self) -> int:
        """Session ids of day d are d * stride + 1.. : room for every user and visitor."""
        return self.users + self.users // 25 + 1

    @property
    def expected_events(self) -> int:
        return round(self.users * self.days * EVENTS_PER_USER_DAY)

    def key(self, kind: str) -> int:
        """A 64-bit key for one kind of draws, the same in every process and Python run."""
        digest = hashlib.sha256(f"{self.seed}/{kind}".encode()).digest()
        return int.from_bytes(digest[:8], "big")


# --- the tasks and how they run -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _SongsDone:
    files: int
    featured: list[int]  # artists whose second name variant these song files used


@dataclasses.dataclass(frozen=True)
class _DayDone:
    day: int
    events: int
    logged_out: int
    plays: int
    near_miss: int
    start_times: int  # distinct ts among the day's plays (a play's ts lies in its own day)
    plays_per_song: dict[int, int]  # song index -> exact plays
    levels: list[tuple[int, str]]  # (user index, level of the user's last event of the day)
    plays_per_user: dict[int, int]  # user index -> plays that day
    paid_plays: int  # plays by users on the paid level at the time
    plays_per_hour: list[int]  # 24 counts, by UTC hour


_Task = tuple[str, int, int]  # ("songs", first, end) or ("day", index, 0)


def _tasks(plan: _Plan) -> list[_Task]:
    """Song chunks and days, merged by how far into its own kind each task is, so both advance
    together and the progress estimate holds all along."""
    chunks = [
        ("songs", lo, min(lo + _SONG_CHUNK, plan.songs)) for lo in range(0, plan.songs, _SONG_CHUNK)
    ]
    days = [("day", index, 0) for index in range(plan.days)]
    placed = [((n + 1) / len(chunks), task) for n, task in enumerate(chunks)]
    placed += [((n + 1) / len(days), task) for n, task in enumerate(days)]
    return [task for _, task in sorted(placed)]


def _run_tasks(plan: _Plan, workers: int) -> Iterator[_SongsDone | _DayDone]:
    """Each task's result, in order of completion, from this process or from a pool."""
    tasks = _tasks(plan)
    if workers <= 1:
        worker = _Worker(plan)
        yield from (worker.run(task) for task in tasks)
        return
    # spawn, not fork: the caller may have threads (Dagster, pytest plugins), which a forked
    # child would inherit in whatever state (locks held) they were.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(plan,)) as pool:
        # A bounded number in flight, so results (and memory) never pile up behind a slow task.
        queue = iter(tasks)
        running: set[Future[_SongsDone | _DayDone]] = {
            pool.submit(_run_in_worker, task) for task in itertools.islice(queue, 2 * workers)
        }
        try:
            while running:
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
                    running |= {pool.submit(_run_in_worker, t) for t in itertools.islice(queue, 1)}
        except BrokenProcessPool as error:
            raise RuntimeError(
                "a generator worker process died: out of memory, or a script that calls generate "
                'without an `if __name__ == "__main__":` guard (spawned workers import it)'
            ) from error
        finally:
            pool.shutdown(cancel_futures=True)


_worker: _Worker | None = None  # a pool process's own worker, set by _start_worker


def _start_worker(plan: _Plan) -> None:
    global _worker
    _worker = _Worker(plan)


def _run_in_worker(task: _Task) -> _SongsDone | _DayDone:
    assert _worker is not None, "the pool's initializer sets the worker"
    return _worker.run(task)


class _Tally:
    """Adds up finished tasks into the ground truth; in any order, as a pool returns them."""

    def __init__(self, plan: _Plan, progress: Callable[[Progress], None] | None) -> None:
        self.plan, self.progress = plan, progress
        self.started = time.monotonic()
        self.song_files = self.log_files = 0
        self.counts = {"events": 0, "logged_out": 0, "plays": 0, "near_miss": 0, "ts": 0}
        self.plays_per_day: dict[int, int] = {}
        self.plays = array("I", [0]) * plan.songs  # per song index
        self.featured = bytearray(_Catalogue.artist_count(plan.songs))  # per artist index
        self.last_day = array("i", [-1]) * plan.users  # per user index: last day with a session
        self.last_paid = bytearray(plan.users)  # and whether its last event was paid
        self.user_plays = array("I", [0]) * plan.users  # per user index
        self.paid_plays = 0
        self.plays_per_hour = [0] * 24
        self.active_users_per_day: dict[int, int] = {}

    def add(self, done: _SongsDone | _DayDone) -> None:
        if isinstance(done, _SongsDone):
            self.song_files += done.files
            for artist in done.featured:
                self.featured[artist] = 1
        else:
            self.log_files += 1
            for name, value in (
                ("events", done.events), ("logged_out", done.logged_out), ("plays", done.plays),
                ("near_miss", done.near_miss), ("ts", done.start_times),
            ):  # fmt: skip
                self.counts[name] += value
            if done.plays:
                self.plays_per_day[done.day] = done.plays
                self.active_users_per_day[done.day] = len(done.plays_per_user)
            for user, plays in done.plays_per_user.items():
                self.user_plays[user] += plays
            self.paid_plays += done.paid_plays
            for hour, plays in enumerate(done.plays_per_hour):
                self.plays_per_hour[hour] += plays
            for song, plays in done.plays_per_song.items():
                self.plays[song] += plays
            for user, level in done.levels:
                if done.day > self.last_day[user]:
                    self.last_day[user], self.last_paid[user] = done.day, level == "paid"
        if self.progress is not None:
            work = self.plan.songs * _SONG_FILE_EVENTS + self.plan.expected_events
            worked = self.song_files * _SONG_FILE_EVENTS + self.counts["events"]
            elapsed = time.monotonic() - self.started
            share = 0.99 * min(1.0, worked / work)
            self.progress(
                Progress(self.song_files, self.log_files, self.counts["events"], elapsed, share)
            )

    def truth(self, catalogue: _Catalogue, people: _People) -> GroundTruth:
        plan = self.plan
        days = {plan.start + datetime.timedelta(days=d): n for d, n in self.plays_per_day.items()}
        active = {
            plan.start + datetime.timedelta(days=d): n for d, n in self.active_users_per_day.items()
        }
        plays_per_artist: dict[int, int] = {}
        for song, plays in enumerate(self.plays):
            if plays:
                artist = catalogue.song(song)[0].artist
                plays_per_artist[artist] = plays_per_artist.get(artist, 0) + plays
        return GroundTruth(
            events=self.counts["events"],
            logged_out_events=self.counts["logged_out"],
            nextsong_plays=self.counts["plays"],
            matched_plays=sum(self.plays),
            near_miss_plays=self.counts["near_miss"],
            users=sum(1 for day in self.last_day if day >= 0),
            songs=plan.songs,
            artists=len(self.featured),
            artist_rows=len(self.featured) + sum(self.featured),
            distinct_start_times=self.counts["ts"],
            plays_per_day={day.isoformat(): days[day] for day in sorted(days)},
            latest_level={
                people.user_id(user): "paid" if self.last_paid[user] else "free"
                for user, day in enumerate(self.last_day)
                if day >= 0
            },
            plays_per_song={
                catalogue.song_id(song): plays for song, plays in enumerate(self.plays) if plays
            },
            plays_per_artist={
                catalogue.artist_id(artist): plays
                for artist, plays in sorted(plays_per_artist.items())
            },
            plays_per_user={
                people.user_id(user): plays for user, plays in enumerate(self.user_plays) if plays
            },
            plays_per_level={
                "free": self.counts["plays"] - self.paid_plays,
                "paid": self.paid_plays,
            },
            plays_per_hour={str(hour): n for hour, n in enumerate(self.plays_per_hour) if n},
            active_users_per_day={day.isoformat(): active[day] for day in sorted(active)},
            song_files=self.song_files,
            log_files=self.log_files,
        )


# --- draws that are pure functions of an index --------------------------------------------------

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(x: int) -> int:
    """SplitMix64's finaliser: a bijection of 64-bit integers that scatters neighbours."""
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


class _Draws:
    """Random-looking draws that depend only on (key, index): song i is the same in the process
    writing its file and in the one writing a play of it, and neither has to keep it.

    A SplitMix64 stream; each 64-bit output serves several small draws (divided out of it while
    it still holds 2^16 times the range, so the bias stays below 2^-16), as mixing costs most.
    """

    __slots__ = ("_pool", "_room", "_state")

    def __init__(self, key: int, index: int) -> None:
        self._state = _mix((key + index * _GOLDEN) & _MASK)
        self._pool = self._room = 0

    def below(self, n: int) -> int:
        if self._room < n << 16:
            self._state = (self._state + _GOLDEN) & _MASK
            self._pool, self._room = _mix(self._state), 1 << 64
        self._pool, value = divmod(self._pool, n)
        self._room //= n
        return value

    def random(self) -> float:
        return self.below(1 << 24) / (1 << 24)

    def chance(self, probability: float) -> bool:
        """True with `probability` (to 0.001), spending 10 bits where `random` spends 24."""
        return self.below(1000) < round(probability * 1000)

    def choice(self, items: Sequence[_T]) -> _T:
        return items[self.below(len(items))]


def _name(draws: _Draws) -> str:
    """A catalogue artist's name: "The Xs", "First Last" or "Word Word"."""
    style = draws.below(10)
    if style < 3:
        return f"The {draws.choice(_WORDS)}s"
    if style < 6:
        return f"{draws.choice(_FIRST_NAMES[draws.choice('FM')])} {draws.choice(_LAST_NAMES)}"
    return f"{draws.choice(_WORDS)} {draws.choice(_WORDS)}"


def _missing_artist(draws: _Draws) -> str:
    """A name in a form `_name` never makes (nor its numbers or "featuring" variants), so a song
    missing from song_data never shares a catalogue song's title and artist."""
    form = draws.below(4)
    word = draws.choice(_WORDS)
    if form == 0:
        return f"DJ {word}"
    if form == 1:
        return f"{word} Collective"
    if form == 2:
        return f"Los {word}s"
    return f"{draws.choice(_FIRST_NAMES[draws.choice('FM')])} & the {word}s"


def _title(draws: _Draws) -> str:
    return " ".join([draws.choice(_WORDS) for _ in range(1 + draws.below(3))])


class _Artist(NamedTuple):
    names: tuple[str | int, ...]  # the name, and for some artists "<name> featuring <name>"
    locations: tuple[str, ...]  # one per name
    latitude: float | None
    longitude: float | None


class _Song(NamedTuple):
    title: str | int | float
    artist: int  # artist index
    variant: int  # which of the artist's (name, location) variants the song file carries
    units: int  # duration in 10 µs units


class _Catalogue:
    """The song files and the songs missing from them, each computed from its index."""

    def __init__(self, plan: _Plan) -> None:
        self.songs = plan.songs
        self.artists = self.artist_count(plan.songs)
        self.missing = plan.songs // 2
        self._song_key, self._file_key = plan.key("song"), plan.key("song-file")
        self._artist_key, self._missing_key = plan.key("artist"), plan.key("missing-song")
        self._artist_id_key = plan.key("artist-id")
        draws = _Draws(plan.key("bijections"), 0)
        # Multipliers coprime to the modulus make each map a bijection.
        self._ids = {
            prefix: (6 * draws.below(_ID_SPACE // 6) + 1, draws.below(_ID_SPACE))
            for prefix in ("AR", "SO", "TR")
        }
        self._durations = (1 + draws.below(_DURATION_PRIME - 1), draws.below(_DURATION_PRIME))

    @staticmethod
    def artist_count(songs: int) -> int:
        return max(2, round(songs * 0.65))

    def artist(self, index: int) -> _Artist:
        """Artist 0 has a numeric name and no place; artist 1 a non-ASCII name and two variants."""
        draws = _Draws(self._artist_key, index)
        names = self._artist_names(index, draws)
        located = index == 1 or (index > 1 and draws.chance(0.55))
        location = draws.choice(_ARTIST_PLACES) if located else ""
        locations = (location, draws.choice((location, "")))[: len(names)]
        if index == 1 or (index > 1 and draws.chance(0.4)):
            latitude = round(-45.0 + 110.0 * draws.random(), 5)
            return _Artist(names, locations, latitude, round(-125.0 + 155.0 * draws.random(), 5))
        return _Artist(names, locations, None, None)

    def _artist_names(self, index: int, draws: _Draws) -> tuple[str | int, ...]:
        """The artist's name, and for some a second variant: the first draws of an artist, so a
        play needs no more."""
        name: str | int
        if index == 0 or draws.chance(0.02):
            name = 1 + draws.below(2020)
        elif index == 1:
            name = f"{draws.choice(_ACCENTED_WORDS)} {draws.choice(_WORDS)}"
        else:
            name = _name(draws)
        if index == 1 or draws.chance(0.1):
            return name, f"{name} featuring {_name(draws)}"
        return (name,)

    def play(self, index: int) -> tuple[str, str, int]:
        """(artist, title, units) as a play of song `index` with its own length names it."""
        song, names = self.song(index)
        return str(names[song.variant]), str(song.title), song.units

    def missing_play(self, index: int) -> tuple[str, str, int]:
        """(artist, title, units) of a play of a song that song_data lacks."""
        draws = _Draws(self._missing_key, index)
        title = _title(draws)
        return _missing_artist(draws), title, _MIN_UNITS + draws.below(330 * _UNITS)

    def song(self, index: int) -> tuple[_Song, tuple[str | int, ...]]:
        """Song `index` and its artist's names. An artist's first song is the one with its index."""
        draws = _Draws(self._song_key, index)
        title: str | int | float
        if index == 0:  # a float title, never `x.0`, which databases print differently
            title = float(f"{1 + draws.below(9)}.{1 + draws.below(9)}")
        elif draws.chance(0.01):
            title = 1 + draws.below(2020)
        else:
            title = _title(draws)
        if index < self.artists:
            artist_index, variant = index, 0
        elif index == self.artists:  # artist 1's second variant is always used
            artist_index, variant = 1, 1
        else:
            artist_index, variant = draws.below(self.artists), -1
        names = self._artist_names(artist_index, _Draws(self._artist_key, artist_index))
        if variant < 0:
            variant = draws.below(len(names))
        a, b = self._durations
        units = _MIN_UNITS + 2 * ((a * index + b) % _DURATION_PRIME)
        return _Song(title, artist_index, variant, units), names

    def song_id(self, index: int) -> str:
        return self._id("SO", index, _Draws(self._file_key, index))

    def artist_id(self, index: int) -> str:
        return self._id("AR", index, _Draws(self._artist_id_key, index))

    def song_file(self, index: int) -> tuple[str, dict[str, Any], int | None]:
        """(track id, the song file's object, its artist if it names the second variant)."""
        song = self.song(index)[0]
        artist = self.artist(song.artist)
        draws = _Draws(self._file_key, index)
        name, location = artist.names[song.variant], artist.locations[song.variant]
        song_id = self._id("SO", index, draws)
        obj = {
            "artist_id": self.artist_id(song.artist),
            "artist_latitude": artist.latitude,
            "artist_location": location,
            "artist_longitude": artist.longitude,
            "artist_name": name,
            "duration": song.units / _UNITS,
            "num_songs": 1,
            "song_id": song_id,
            "title": song.title,
            "year": 0 if index == 2 or draws.chance(0.3) else 1955 + draws.below(56),
        }
        track = self._id("TR", index, draws, "A" + draws.choice(_UPPER) + draws.choice(_UPPER))
        return track, obj, song.artist if song.variant else None

    def _id(self, prefix: str, index: int, draws: _Draws, head: str = "") -> str:
        """prefix + head + the index's 6-digit code + random characters: 18 in all."""
        a, b = self._ids[prefix]
        rest = 16 - len(head) - _ID_CODE_DIGITS
        code = _base36((a * index + b) % _ID_SPACE, _ID_CODE_DIGITS)
        return prefix + head + code + _base36(draws.below(len(_ALNUM) ** rest), rest)


_ALNUM_PAIRS = [a + b for a in _ALNUM for b in _ALNUM]


def _base36(value: int, digits: int) -> str:
    """The last `digits` base-36 digits of `value` (least significant first), two at a time."""
    text = []
    for _ in range(digits // 2):
        value, pair = divmod(value, len(_ALNUM_PAIRS))
        text.append(_ALNUM_PAIRS[pair])
    if digits % 2:
        text.append(_ALNUM[value % len(_ALNUM)])
    return "".join(text)


class _Person(NamedTuple):
    """A log line's user fields, already serialised as JSON values."""

    auth: str
    first: str
    gender: str
    last: str
    location: str
    registration: str
    agent: str
    user_id: str


_LOGGED_OUT = _Person('"Logged Out"', "null", "null", "null", "null", "null", "null", '""')


class _People:
    """Users: what every day needs (activity, level, switch days) in flat arrays, the rest
    (names, agent, ...) computed from the user's index when a session needs it."""

    def __init__(self, plan: _Plan) -> None:
        self._profile_key, self._start = plan.key("user"), _epoch(plan.start)
        self.activity = array("d")  # chance of a session on any day
        self.paid = bytearray()  # the level on day 0
        self.switches: dict[int, tuple[int, ...]] = {}  # user -> days (ascending) of a switch
        self.switching: dict[int, dict[int, int]] = {}  # day -> {user: switches that day}
        draws = _Draws(plan.key("user-level"), 0)
        days = plan.days
        for user in range(plan.users):
            self.paid.append(user == 1 or (user > 1 and draws.chance(0.3)))
            self.activity.append(0.05 + 0.4 * draws.random())
            if user < 2:  # user 0 goes free→paid and user 1 paid→free→paid
                self.switches[user] = (days // 3,) if user == 0 else (days // 4, days // 2)
            elif draws.chance(0.12):
                self.switches[user] = (draws.below(days),)
        for user, switch_days in self.switches.items():
            for day in switch_days:
                on_day = self.switching.setdefault(day, {})
                on_day[user] = on_day.get(user, 0) + 1

    def level(self, user: int, day: int) -> str:
        """The level a user starts `day` with: each earlier switch day flipped it."""
        flips = sum(1 for switch in self.switches.get(user, ()) if switch < day)
        return "paid" if self.paid[user] ^ (flips & 1) else "free"

    def user_id(self, user: int) -> str:
        """Ids rise with the index, one of each pair 2u+2, 2u+3: unique and gappy, like real ids."""
        return str(2 + 2 * user + _Draws(self._profile_key, user).below(2))

    def person(self, user: int) -> _Person:
        draws = _Draws(self._profile_key, user)
        user_id = 2 + 2 * user + draws.below(2)
        gender = draws.choice("FM")
        agent = draws.choice(_USER_AGENTS)
        registration = (self._start - _DAY - draws.below(119 * _DAY)) * 1000 + _MS
        return _Person(
            auth='"Logged In"',
            first=_json(_mangle(draws.choice(_FIRST_NAMES[gender]))),
            gender=f'"{gender}"',
            last=_json(_mangle(draws.choice(_LAST_NAMES))),
            location=_json(_mangle(draws.choice(_CITIES))),
            registration=repr(float(registration)),
            agent=_json(f'"{agent}"' if "," in agent else agent),
            user_id=f'"{user_id}"',
        )


# --- writing ------------------------------------------------------------------------------------

_MANGLE_LAYERS = 2  # the real logs went through the damage twice: é arrives as Ã\x83Â©


def _mangle(text: str) -> str:
    """Damage text as the real logs are: UTF-8 bytes read back as Latin-1, twice over."""
    for _ in range(_MANGLE_LAYERS):
        text = text.encode("utf-8").decode("latin-1")
    return text


def _json(value: Any) -> str:
    """Serialise like the real files: compact, ASCII with \\u escapes, and `/` escaped as `\\/`."""
    return json.dumps(value, separators=(",", ":")).replace("/", "\\/")


def _epoch(day: datetime.date) -> int:
    return int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp())


# A play as a log line names it: artist and song text (mangled, serialised), length, and the
# length in units.
_Played = tuple[str, str, str, int]
# An event before it is placed in the day: (offset in its session, page, level, who, song), `who`
# being a user index or -1 for logged out; its item in session is its place in the session.
_Draft = tuple[int, str, str, int, _Played | None]
_ITEM_MASK = (1 << 8) - 1  # a session has at most ~30 events
_SESSION_MASK = (1 << 32) - 1


class _Worker:
    """Writes song chunks and days; one per process, each task independent of the others."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.out = plan.out
        self.catalogue = _Catalogue(plan)
        self.people = _People(plan)
        self.directories: set[str] = set()
        # Popular songs recur from day to day, and names and titles across songs: bounded caches
        # of what a play prints.
        self.text = functools.lru_cache(_PLAYED_CACHE)(_log_text)
        self.played = functools.lru_cache(_PLAYED_CACHE)(self._played)
        self.missing_played = functools.lru_cache(_PLAYED_CACHE)(self._missing_played)

    def run(self, task: _Task) -> _SongsDone | _DayDone:
        kind, first, end = task
        return self._songs(first, end) if kind == "songs" else _Day(self, first).write()

    def write(self, path: str, pieces: Iterable[bytes]) -> None:
        """Write a file with plain os calls, creating its directory once per process rather
        than once per file: with 1 M song files, every system call per file counts."""
        directory = os.path.dirname(path)
        if directory not in self.directories:
            os.makedirs(directory, exist_ok=True)
            self.directories.add(directory)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            for piece in pieces:
                view = memoryview(piece)
                while view:
                    view = view[os.write(fd, view) :]
        finally:
            os.close(fd)

    def _played(self, index: int) -> _Played:
        artist, title, units = self.catalogue.play(index)
        return self.text(artist), self.text(title), repr(units / _UNITS), units

    def _missing_played(self, index: int) -> _Played:
        artist, title, units = self.catalogue.missing_play(index)
        return self.text(artist), self.text(title), repr(units / _UNITS), units

    def _songs(self, first: int, end: int) -> _SongsDone:
        """Song files first..end-1, at song_data/A/B/C/TRABC….json like the real ones."""
        featured = []
        for index in range(first, end):
            track, obj, featuring = self.catalogue.song_file(index)
            path = f"{self.out}/song_data/{track[2]}/{track[3]}/{track[4]}/{track}.json"
            self.write(path, (_json(obj).encode("ascii"),))
            if featuring is not None:
                featured.append(featuring)
        return _SongsDone(end - first, featured)


class _Day:
    """One day's log file: its sessions, placed in the day, sorted by ts and written."""

    def __init__(self, worker: _Worker, index: int) -> None:
        self.worker, self.index = worker, index
        self.people, self.catalogue = worker.people, worker.catalogue
        self.rng = random.Random(f"{worker.plan.seed}/day/{index}")
        self.date = worker.plan.start + datetime.timedelta(days=index)
        self.forced = list(_FORCED_PLAYS) if index == 0 else []
        self.plays_per_song: dict[int, int] = {}
        self.near_miss = 0
        self.persons: dict[int, _Person] = {-1: _LOGGED_OUT}

    def write(self) -> _DayDone:
        """Write the day's log file and return what the ground truth needs from it."""
        rng, plan = self.rng, self.worker.plan
        sessions: list[list[_Draft]] = []
        levels = []
        today = self.people.switching.get(self.index, {})
        activity = self.people.activity
        for user in range(plan.users):
            switches = today.get(user, 0)
            if switches or (self.index == 0 and user < 2) or rng.random() < activity[user]:
                sessions.append(self._user_session(user, switches))
                last_logged_in = next(d for d in reversed(sessions[-1]) if d[3] >= 0)
                levels.append((user, last_logged_in[2]))
        visitors = 1 + rng.randrange(1 + plan.users // 25)
        sessions += [self._visitor_session() for _ in range(visitors)]
        keys = self._place(sessions)
        path = f"{self.worker.out}/log_data/{self.date:%Y/%m}/{self.date.isoformat()}-events.json"
        self.worker.write(path, self._text(sessions, keys))
        logged_out = plays = start_times = paid_plays = 0
        last_play = -1
        plays_per_user: dict[int, int] = {}
        plays_per_hour = [0] * 24
        for key in keys:  # in ts order, so plays sharing a ts are neighbours
            _, page, level, who, _ = sessions[key >> 8 & _SESSION_MASK][key & _ITEM_MASK]
            if who < 0:
                logged_out += 1
            elif page == "NextSong":
                plays += 1
                start_times += key >> 40 != last_play
                last_play = key >> 40
                plays_per_user[who] = plays_per_user.get(who, 0) + 1
                paid_plays += level == "paid"
                plays_per_hour[last_play // 3600 % 24] += 1
        return _DayDone(
            day=self.index,
            events=len(keys),
            logged_out=logged_out,
            plays=plays,
            near_miss=self.near_miss,
            start_times=start_times,
            plays_per_song=self.plays_per_song,
            levels=levels,
            plays_per_user=plays_per_user,
            paid_plays=paid_plays,
            plays_per_hour=plays_per_hour,
        )

    def _place(self, sessions: list[list[_Draft]]) -> list[int]:
        """Start each session at a random second of the day; on day 0 and on some other days the
        first plays of the first two sessions share a ts. Returns the day's events in ts order,
        each as an integer (ts << 40 | session number << 8 | item in session): the drafts stay in
        their sessions, and a day's events are the generator's largest memory."""
        rng, day_s = self.rng, _epoch(self.date)
        starts = [day_s + rng.randrange(_DAY - session[-1][0]) for session in sessions]
        if len(sessions) > 1 and (self.index == 0 or rng.random() < 0.3):
            first = [next((d[0] for d in s if d[1] == "NextSong"), None) for s in sessions[:2]]
            if first[0] is not None and first[1] is not None:
                lead = max(first)
                tail = max(sessions[0][-1][0] - first[0], sessions[1][-1][0] - first[1])
                shared = day_s + lead + rng.randrange(_DAY - lead - tail)
                starts[0], starts[1] = shared - first[0], shared - first[1]
        keys = [
            (start + draft[0]) << 40 | number << 8 | item
            for number, (start, session) in enumerate(zip(starts, sessions, strict=True))
            for item, draft in enumerate(session)
        ]
        keys.sort()  # by (ts, session, item): sessionId and itemInSession break ts ties
        return keys

    def _text(self, sessions: list[list[_Draft]], keys: list[int]) -> Iterator[bytes]:
        """The log file in pieces of a few MB, lines joined by newlines (none at the end)."""
        base = self.index * self.worker.plan.session_stride + 1
        for at in range(0, len(keys), _LINES_PER_WRITE):
            lines = [
                self._line(
                    key >> 40,
                    base + (key >> 8 & _SESSION_MASK),
                    key & _ITEM_MASK,
                    *sessions[key >> 8 & _SESSION_MASK][key & _ITEM_MASK][1:],
                )
                for key in keys[at : at + _LINES_PER_WRITE]
            ]
            yield (("\n" if at else "") + "\n".join(lines)).encode("ascii")

    def _user_session(self, user: int, switches: int) -> list[_Draft]:
        """A logged-in session; it may switch level, and end in Logout and logged-out pages."""
        rng = self.rng
        pages = ["Home" if rng.random() < 0.5 else "NextSong"]
        pages += [
            "NextSong" if rng.random() < 0.85 else rng.choice(_SIDE_PAGES)
            for _ in range(rng.randrange(22))
        ]
        if self.index == 0 and user < 2:  # room for the forced plays, and a shared first ts
            pages[0:1] = ["NextSong"] * (3 if user == 0 else 1)
        for _ in range(switches):
            at = rng.randrange(1, len(pages) + 1)
            pages[at:at] = ["Level", "Submit"]
        if rng.random() < 0.25:
            pages.append("Logout")
        level, offset, drafts = self.people.level(user, self.index), 0, []
        for page in pages:
            song = None
            if page == "NextSong":
                song = self._play()
            elif page in ("Level", "Submit"):
                offer = "Upgrade" if level == "free" else "Downgrade"
                page = offer if page == "Level" else f"Submit {offer}"
            drafts.append((offset, page, level, user, song))
            if page.startswith("Submit"):
                level = "paid" if level == "free" else "free"
            offset += song[3] // _UNITS - rng.randrange(30) if song else rng.randrange(60)
        if pages[-1] == "Logout":
            for page in rng.choice(((), ("Home",), ("Home", "Login"))):
                offset += rng.randrange(1, 60)
                drafts.append((offset, page, level, -1, None))
        return drafts

    def _visitor_session(self) -> list[_Draft]:
        """Someone browsing logged out: no user, no song, but a level."""
        rng = self.rng
        pages = ["Home", *rng.sample(("About", "Help"), k=rng.randrange(3))]
        pages += ["Login"] if rng.random() < 0.6 else []
        level = rng.choice(("free", "paid"))
        return [
            (item * 40 + rng.randrange(40), page, level, -1, None)
            for item, page in enumerate(pages)
        ]

    def _play(self) -> _Played:
        """A catalogue song (exact, or with another length) or a song missing from song_data."""
        rng = self.rng
        if self.forced:
            index, delta = self.forced.pop(0)
        else:
            kind = rng.random()
            if kind >= 0.55:
                return self.worker.missing_played(int(self.catalogue.missing * rng.random() ** 2))
            index = int(self.catalogue.songs * rng.random() ** 2)  # skewed: some songs are hits
            delta = (
                0 if kind < 0.45 else rng.choice((-1, 1)) * (2 * rng.randrange(25_000, 10**6) + 1)
            )
        played = self.worker.played(index)
        if not delta:
            self.plays_per_song[index] = self.plays_per_song.get(index, 0) + 1
            return played
        self.near_miss += 1
        artist, title, _, units = played
        return artist, title, repr((units + delta) / _UNITS), units + delta

    def _line(
        self,
        ts: int,
        session: int,
        item: int,
        page: str,
        level: str,
        who: int,
        song: _Played | None,
    ) -> str:
        """A log line in LOG_KEYS order, byte for byte as json.dumps + `_json`'s escapes."""
        if who not in self.persons:
            self.persons[who] = self.people.person(who)
        person = self.persons[who]
        artist, title, length = song[:3] if song else ("null", "null", "null")
        method, status = _PAGES[page]
        return (
            f'{{"artist":{artist},"auth":{person.auth},"firstName":{person.first},'
            f'"gender":{person.gender},"itemInSession":{item},"lastName":{person.last},'
            f'"length":{length},"level":"{level}","location":{person.location},'
            f'"method":"{method}","page":"{page}","registration":{person.registration},'
            f'"sessionId":{session},"song":{title},"status":{status},"ts":{ts * 1000 + _MS},'
            f'"userAgent":{person.agent},"userId":{person.user_id}}}'
        )


def _log_text(text: str) -> str:
    """A song's or artist's text as a log line holds it."""
    return _json(_mangle(text))
