"""A deterministic, Sparkify-shaped raw dataset with known answers.

The real Udacity files are too large and too irregular to reason about in tests, so this writes a
small tree with the same layout, serialisation and dirty-data traps, plus `ground_truth.json`: the
counts a correct pipeline must reproduce, computed here while writing and never through SQL.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import json
import random
import shutil
import string
from pathlib import Path
from typing import Any

# Key order of a log line; log_json_path.json lists the same keys in the same order.
LOG_KEYS = (
    "artist", "auth", "firstName", "gender", "itemInSession", "lastName", "length", "level",
    "location", "method", "page", "registration", "sessionId", "song", "status", "ts",
    "userAgent", "userId",
)  # fmt: skip
LOG_JSON_PATHS = json.dumps({"jsonpaths": [f"$['{key}']" for key in LOG_KEYS]}, indent=4)
GROUND_TRUTH = "ground_truth.json"
_OUTPUTS = frozenset({"log_data", "song_data", "log_json_path.json", GROUND_TRUTH})

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
# The first catalogue plays are fixed so that these always occur: a play of song 0 (float title,
# numeric artist name), of song 1 (non-ASCII artist), and one of song 1 with another length.
# Entries are (song index, seconds added to the duration).
_FORCED_PLAYS = ((0, 0.0), (1, 0.0), (1, 7.25))

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
_UPPER = string.ascii_uppercase
_Song = tuple[str, str, float]  # (title, artist name, duration) as a play names them, unmangled
_ALNUM = string.ascii_uppercase + string.digits


@dataclasses.dataclass(frozen=True)
class GroundTruth:
    """What a correct pipeline must find in the generated files, counted while writing them."""

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
    song_files: int
    log_files: int

    def to_json(self) -> str:
        """Serialise for ground_truth.json, so tests of later stages need not regenerate."""
        return json.dumps(dataclasses.asdict(self), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> GroundTruth:
        """Read back what `to_json` wrote."""
        return cls(**json.loads(text))


def load_ground_truth(out: Path) -> GroundTruth:
    """Read the answers of a dataset written earlier by `generate`."""
    return GroundTruth.from_json((out / GROUND_TRUTH).read_text(encoding="utf-8"))


def generate(
    out: Path,
    *,
    users: int = 100,
    songs: int = 1000,
    days: int = 30,
    seed: int = 42,
    start: datetime.date = datetime.date(2018, 11, 1),
) -> GroundTruth:
    """Write a dataset under `out` and return its ground truth (also saved as ground_truth.json).

    The same arguments always give byte-identical files. `out` must be missing, empty or a
    previous output of this function, so a mistyped path can never wipe real data.
    """
    if users < 2 or songs < 10 or days < 1:
        raise ValueError("the traps need users >= 2, songs >= 10 and days >= 1")
    _prepare(out)
    (out / "log_json_path.json").write_text(LOG_JSON_PATHS, encoding="ascii")
    truth = _Writer(out, random.Random(seed)).run(users, songs, days, start)
    (out / GROUND_TRUTH).write_text(truth.to_json(), encoding="utf-8")
    return truth


def _prepare(out: Path) -> None:
    """Clear our own previous output, but refuse any directory we did not write."""
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a directory")
    entries = {entry.name for entry in out.iterdir()} if out.exists() else set()
    if entries and not (GROUND_TRUTH in entries and entries <= _OUTPUTS):
        raise FileExistsError(
            f"refusing to write into {out}: it is not empty and is not a previous generator output"
        )
    for name in ("log_data", "song_data"):
        shutil.rmtree(out / name, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)


def _dumps(obj: dict[str, Any]) -> bytes:
    """Serialise like the real files: compact, ASCII with \\u escapes, and `/` escaped as `\\/`."""
    return json.dumps(obj, separators=(",", ":")).replace("/", "\\/").encode("ascii")


_MANGLE_LAYERS = 2  # the real logs went through the damage twice: é arrives as Ã\x83Â©


def _mangle(text: str) -> str:
    """Damage text as the real logs are: UTF-8 bytes read back as Latin-1, twice over."""
    for _ in range(_MANGLE_LAYERS):
        text = text.encode("utf-8").decode("latin-1")
    return text


def _repair(text: str) -> str:
    """Undo `_mangle`, as the pipeline must before matching plays to songs."""
    for _ in range(_MANGLE_LAYERS):
        text = text.encode("latin-1").decode("utf-8")
    return text


@dataclasses.dataclass
class _User:
    user_id: str
    first: str  # first/last/location already double-encoded, as they appear in the logs
    last: str
    gender: str
    location: str
    agent: str
    registration: float
    level: str
    activity: float  # chance of a session on any day
    level_days: list[int]  # days (ascending) on which the user will switch level


@dataclasses.dataclass
class _Artist:
    artist_id: str
    names: tuple[tuple[str | int, str], ...]  # (name, location) variants, used in rotation
    latitude: float | None
    longitude: float | None
    song_count: int = 0


class _Writer:
    """Holds the generator state so songs and day files can be written one at a time."""

    def __init__(self, out: Path, rng: random.Random) -> None:
        self.out, self.rng = out, rng
        self.ids: set[str] = set()
        self.catalog: list[_Song] = []
        self.session_ids = itertools.count(1)
        self.catalog_plays = 0

    def run(self, users: int, songs: int, days: int, start: datetime.date) -> GroundTruth:
        artist_rows = self._write_songs(songs)
        triples = set(self.catalog)
        pairs = {(title, artist) for title, artist, _ in self.catalog}
        unknown = [(self._title(), self._name(), self._duration()) for _ in range(songs // 2)]
        people = self._users(users, days, start)
        counts = {"events": 0, "logged_out": 0, "matched": 0, "near_miss": 0}
        start_times: set[int] = set()
        plays_per_day: dict[str, int] = {}
        latest_level: dict[str, str] = {}
        for index in range(days):
            day = start + datetime.timedelta(days=index)
            events = self._day(people, index, day, unknown)
            counts["events"] += len(events)
            for event in events:
                if not event["userId"]:
                    counts["logged_out"] += 1
                    continue
                latest_level[event["userId"]] = event["level"]
                if event["page"] != "NextSong":
                    continue
                start_times.add(event["ts"])
                plays_per_day[day.isoformat()] = plays_per_day.get(day.isoformat(), 0) + 1
                title, artist = _repair(event["song"]), _repair(event["artist"])
                if (title, artist, event["length"]) in triples:
                    counts["matched"] += 1
                elif (title, artist) in pairs:
                    counts["near_miss"] += 1
            path = self.out / f"log_data/{day:%Y/%m}/{day.isoformat()}-events.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"\n".join(_dumps(event) for event in events))
        return GroundTruth(
            events=counts["events"],
            logged_out_events=counts["logged_out"],
            nextsong_plays=sum(plays_per_day.values()),
            matched_plays=counts["matched"],
            near_miss_plays=counts["near_miss"],
            users=len(latest_level),
            songs=songs,
            artists=len({artist_id for artist_id, *_ in artist_rows}),
            artist_rows=len(artist_rows),
            distinct_start_times=len(start_times),
            plays_per_day=plays_per_day,
            latest_level=dict(sorted(latest_level.items(), key=lambda item: int(item[0]))),
            song_files=songs,
            log_files=days,
        )

    def _new_id(self, prefix: str, head: str = "") -> str:
        """A fresh id: prefix + 16 upper-case alphanumerics (starting with `head`)."""
        while True:
            code = prefix + head + "".join(self.rng.choices(_ALNUM, k=16 - len(head)))
            if code not in self.ids:
                self.ids.add(code)
                return code

    def _name(self) -> str:
        rng = self.rng
        style = rng.random()
        if style < 0.3:
            return f"The {rng.choice(_WORDS)}s"
        if style < 0.6:
            gender = rng.choice("FM")
            return f"{rng.choice(_FIRST_NAMES[gender])} {rng.choice(_LAST_NAMES)}"
        return f"{rng.choice(_WORDS)} {rng.choice(_WORDS)}"

    def _title(self) -> str:
        return " ".join(self.rng.choice(_WORDS) for _ in range(self.rng.randint(1, 3)))

    def _duration(self) -> float:
        return round(self.rng.uniform(90.0, 420.0), 5)

    def _artist(self, index: int) -> _Artist:
        """Artist 0 has a numeric name and no place; artist 1 a non-ASCII name and two variants."""
        rng = self.rng
        name: str | int
        if index == 0 or rng.random() < 0.02:
            name = rng.randint(1, 2020)
        elif index == 1:
            name = f"{rng.choice(_ACCENTED_WORDS)} {rng.choice(_WORDS)}"
        else:
            name = self._name()
        located = index == 1 or (index > 1 and rng.random() < 0.55)
        location = rng.choice(_ARTIST_PLACES) if located else ""
        has_coordinates = index == 1 or (index > 1 and rng.random() < 0.4)
        names: tuple[tuple[str | int, str], ...] = ((name, location),)
        if index == 1 or rng.random() < 0.1:
            names += ((f"{name} featuring {self._name()}", rng.choice((location, ""))),)
        return _Artist(
            artist_id=self._new_id("AR"),
            names=names,
            latitude=round(rng.uniform(-45.0, 65.0), 5) if has_coordinates else None,
            longitude=round(rng.uniform(-125.0, 30.0), 5) if has_coordinates else None,
        )

    def _write_songs(self, songs: int) -> set[tuple[Any, ...]]:
        """Write one file per song; return the distinct artist rows the song files hold."""
        rng = self.rng
        artists = [self._artist(index) for index in range(max(2, round(songs * 0.65)))]
        rows: set[tuple[Any, ...]] = set()
        for index in range(songs):
            if index < len(artists):
                artist = artists[index]
            else:  # the first extra song goes to artist 1, so its name variant is always used
                artist = artists[1 if index == len(artists) else rng.randrange(len(artists))]
            name, location = artist.names[artist.song_count % len(artist.names)]
            artist.song_count += 1
            title: str | float | int = self._title()
            if index == 0:  # a float title, never `x.0`, which databases print differently
                title = round(rng.randint(1, 9) + rng.randint(1, 9) / 10, 1)
            elif rng.random() < 0.01:
                title = rng.randint(1, 2020)
            song = {
                "artist_id": artist.artist_id,
                "artist_latitude": artist.latitude,
                "artist_location": location,
                "artist_longitude": artist.longitude,
                "artist_name": name,
                "duration": self._duration(),
                "num_songs": 1,
                "song_id": self._new_id("SO"),
                "title": title,
                "year": 0 if index == 2 or rng.random() < 0.3 else rng.randint(1955, 2010),
            }
            track = self._new_id("TR", "A" + "".join(rng.choices(_UPPER, k=2)))
            path = self.out / "song_data" / track[2] / track[3] / track[4] / f"{track}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_dumps(song))
            self.catalog.append((str(title), str(name), song["duration"]))
            rows.add((artist.artist_id, name, location, artist.latitude, artist.longitude))
        return rows

    def _users(self, users: int, days: int, start: datetime.date) -> list[_User]:
        """User 0 goes free→paid and user 1 paid→free→paid; some others switch once."""
        rng = self.rng
        start_s = _epoch(start)
        people = []
        for index, number in enumerate(sorted(rng.sample(range(2, 2 + 2 * users), users))):
            gender = rng.choice("FM")
            level = "free" if index == 0 else "paid" if index == 1 or rng.random() < 0.3 else "free"
            if index < 2:
                level_days = [days // 3] if index == 0 else [days // 4, days // 2]
            else:
                level_days = [rng.randrange(days)] if rng.random() < 0.12 else []
            agent = rng.choice(_USER_AGENTS)
            people.append(
                _User(
                    user_id=str(number),
                    first=_mangle(rng.choice(_FIRST_NAMES[gender])),
                    last=_mangle(rng.choice(_LAST_NAMES)),
                    gender=gender,
                    location=_mangle(rng.choice(_CITIES)),
                    agent=f'"{agent}"' if "," in agent else agent,
                    registration=float((start_s - rng.randrange(_DAY, 120 * _DAY)) * 1000 + _MS),
                    level=level,
                    activity=rng.uniform(0.05, 0.45),
                    level_days=level_days,
                )
            )
        return people

    def _day(
        self, people: list[_User], index: int, day: datetime.date, unknown: list[_Song]
    ) -> list[dict[str, Any]]:
        """One day's events in ts order; on some days two users' plays share a ts."""
        rng = self.rng
        sessions = [
            self._user_session(user, index, unknown)
            for user in people
            if (user.level_days and user.level_days[0] <= index) or rng.random() < user.activity
        ]
        visitors = 1 + rng.randrange(1 + len(people) // 25)
        sessions += [self._visitor_session() for _ in range(visitors)]
        day_s = _epoch(day)
        starts = [day_s + rng.randrange(_DAY - session[-1][0]) for session in sessions]
        if len(sessions) > 1 and (index == 0 or rng.random() < 0.3):
            # Align the first plays of the first two sessions (when that fits in the day).
            first = [next((o for o, e in s if e["page"] == "NextSong"), None) for s in sessions]
            if first[0] is not None and first[1] is not None:
                moved = starts[0] + first[0] - first[1]
                if day_s <= moved and moved + sessions[1][-1][0] < day_s + _DAY:
                    starts[1] = moved
        events = []
        for session_start, session in zip(starts, sessions, strict=True):
            for offset, event in session:
                event["ts"] = (session_start + offset) * 1000 + _MS
                events.append(event)
        events.sort(key=lambda e: (e["ts"], e["sessionId"], e["itemInSession"]))
        return events

    def _user_session(
        self, user: _User, index: int, unknown: list[_Song]
    ) -> list[tuple[int, dict[str, Any]]]:
        """A logged-in session; it may switch level, and end in Logout and logged-out pages."""
        rng = self.rng
        pages = ["Home" if rng.random() < 0.5 else "NextSong"]
        pages += [
            "NextSong" if rng.random() < 0.85 else rng.choice(_SIDE_PAGES)
            for _ in range(rng.randrange(22))
        ]
        while user.level_days and user.level_days[0] <= index:
            user.level_days.pop(0)
            at = rng.randrange(1, len(pages) + 1)
            pages[at:at] = ["Level", "Submit"]
        if rng.random() < 0.25:
            pages.append("Logout")
        session_id, offset, timed = next(self.session_ids), 0, []
        for item, page in enumerate(pages):
            song = None
            if page == "NextSong":
                song = self._play(unknown)
            elif page in ("Level", "Submit"):
                offer = "Upgrade" if user.level == "free" else "Downgrade"
                page = offer if page == "Level" else f"Submit {offer}"
            timed.append((offset, _event(page, item, session_id, user.level, user, song)))
            if page.startswith("Submit"):
                user.level = "paid" if user.level == "free" else "free"
            offset += int(song[2]) - rng.randrange(30) if song else rng.randrange(60)
        if pages[-1] == "Logout":
            for item, page in enumerate(rng.choice(((), ("Home",), ("Home", "Login"))), len(pages)):
                offset += rng.randrange(1, 60)
                timed.append((offset, _event(page, item, session_id, user.level)))
        return timed

    def _visitor_session(self) -> list[tuple[int, dict[str, Any]]]:
        """Someone browsing logged out: no user, no song, but a level."""
        rng = self.rng
        pages = ["Home", *rng.sample(("About", "Help"), k=rng.randrange(3))]
        pages += ["Login"] if rng.random() < 0.6 else []
        session_id, level = next(self.session_ids), rng.choice(("free", "paid"))
        return [
            (item * 40 + rng.randrange(40), _event(page, item, session_id, level))
            for item, page in enumerate(pages)
        ]

    def _play(self, unknown: list[_Song]) -> _Song:
        """A catalogue song (exact, or with another length) or a song missing from song_data."""
        rng = self.rng
        if self.catalog_plays < len(_FORCED_PLAYS):
            index, delta = _FORCED_PLAYS[self.catalog_plays]
        else:
            kind = rng.random()
            if kind >= 0.55:
                return rng.choice(unknown)
            index = int(len(self.catalog) * rng.random() ** 2)  # skewed: some songs are hits
            delta = 0.0 if kind < 0.45 else rng.choice((-1, 1)) * rng.uniform(0.5, 20.0)
        self.catalog_plays += 1
        title, artist, duration = self.catalog[index]
        return title, artist, round(duration + delta, 5) if delta else duration


def _epoch(day: datetime.date) -> int:
    return int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp())


def _event(
    page: str,
    item: int,
    session_id: int,
    level: str,
    user: _User | None = None,
    song: _Song | None = None,
) -> dict[str, Any]:
    """A log line in LOG_KEYS order; its ts is set once the session is placed in the day."""
    method, status = _PAGES[page]
    return {
        "artist": _mangle(song[1]) if song else None,
        "auth": "Logged In" if user else "Logged Out",
        "firstName": user.first if user else None,
        "gender": user.gender if user else None,
        "itemInSession": item,
        "lastName": user.last if user else None,
        "length": song[2] if song else None,
        "level": level,
        "location": user.location if user else None,
        "method": method,
        "page": page,
        "registration": user.registration if user else None,
        "sessionId": session_id,
        "song": _mangle(song[0]) if song else None,
        "status": status,
        "ts": 0,
        "userAgent": user.agent if user else None,
        "userId": user.user_id if user else "",
    }
