"""The writing tasks: a chunk of song files, or a day's log file with its sessions placed in the
day and sorted by ts. Each task is independent of the others and returns what the ground truth
needs from it."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import os
import random
from collections.abc import Iterable, Iterator

from sparkify_assets.sample.people import LOGGED_OUT, People, Person
from sparkify_assets.sample.plan import DAY_SECONDS, MILLIS, Plan, epoch
from sparkify_assets.sample.songs import UNITS, Catalogue
from sparkify_assets.sample.text import as_json, log_text
from sparkify_assets.sample.words import PAGES, SIDE_PAGES

# The first three plays of day 0 are fixed so that these always occur: a play of song 0 (float
# title, numeric artist name), of song 1 (non-ASCII artist), and one of song 1 with another
# length. Entries are (song index, units added to the duration: odd, so off the lattice).
_FORCED_PLAYS = ((0, 0), (1, 0), (1, 725_001))
_LINES_PER_WRITE = 10_000  # log lines serialised at a time (~5 MB)
_PLAYED_CACHE = 1 << 15  # songs, missing songs and texts a worker keeps ready to print


@dataclasses.dataclass(frozen=True)
class SongsDone:
    """What a chunk of song files tells the ground truth."""

    files: int
    featured: list[int]  # artists whose second name variant these song files used


@dataclasses.dataclass(frozen=True)
class DayDone:
    """What a day's log file tells the ground truth."""

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


Task = tuple[str, int, int]  # ("songs", first, end) or ("day", index, 0)
# A play as a log line names it: artist and song text (mangled, serialised), length, and the
# length in units.
_Played = tuple[str, str, str, int]
# An event before it is placed in the day: (offset in its session, page, level, who, song), `who`
# being a user index or -1 for logged out; its item in session is its place in the session.
_Draft = tuple[int, str, str, int, _Played | None]
_ITEM_MASK = (1 << 8) - 1  # a session has at most ~30 events
_SESSION_MASK = (1 << 32) - 1


class Worker:
    """Writes song chunks and days; one per process, each task independent of the others."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.out = plan.out
        self.catalogue = Catalogue(plan)
        self.people = People(plan)
        self.directories: set[str] = set()
        # Popular songs recur from day to day, and names and titles across songs: bounded caches
        # of what a play prints.
        self.text = functools.lru_cache(_PLAYED_CACHE)(log_text)
        self.played = functools.lru_cache(_PLAYED_CACHE)(self._played)
        self.missing_played = functools.lru_cache(_PLAYED_CACHE)(self._missing_played)

    def run(self, task: Task) -> SongsDone | DayDone:
        """Do one task: write its files, and say what the ground truth needs of them."""
        kind, first, end = task
        return self._songs(first, end) if kind == "songs" else Day(self, first).write()

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
        return self.text(artist), self.text(title), repr(units / UNITS), units

    def _missing_played(self, index: int) -> _Played:
        artist, title, units = self.catalogue.missing_play(index)
        return self.text(artist), self.text(title), repr(units / UNITS), units

    def _songs(self, first: int, end: int) -> SongsDone:
        """Song files first..end-1, at song_data/A/B/C/TRABC….json like the real ones."""
        featured = []
        for index in range(first, end):
            track, obj, featuring = self.catalogue.song_file(index)
            path = f"{self.out}/song_data/{track[2]}/{track[3]}/{track[4]}/{track}.json"
            self.write(path, (as_json(obj).encode("ascii"),))
            if featuring is not None:
                featured.append(featuring)
        return SongsDone(end - first, featured)


class Day:
    """One day's log file: its sessions, placed in the day, sorted by ts and written."""

    def __init__(self, worker: Worker, index: int) -> None:
        self.worker, self.index = worker, index
        self.people, self.catalogue = worker.people, worker.catalogue
        self.rng = random.Random(f"{worker.plan.seed}/day/{index}")
        self.date = worker.plan.start + datetime.timedelta(days=index)
        self.forced = list(_FORCED_PLAYS) if index == 0 else []
        self.plays_per_song: dict[int, int] = {}
        self.near_miss = 0
        self.persons: dict[int, Person] = {-1: LOGGED_OUT}

    def write(self) -> DayDone:
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
        return DayDone(
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
        rng, day_s = self.rng, epoch(self.date)
        starts = [day_s + rng.randrange(DAY_SECONDS - session[-1][0]) for session in sessions]
        if len(sessions) > 1 and (self.index == 0 or rng.random() < 0.3):
            first = [next((d[0] for d in s if d[1] == "NextSong"), None) for s in sessions[:2]]
            if first[0] is not None and first[1] is not None:
                lead = max(first)
                tail = max(sessions[0][-1][0] - first[0], sessions[1][-1][0] - first[1])
                shared = day_s + lead + rng.randrange(DAY_SECONDS - lead - tail)
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
            "NextSong" if rng.random() < 0.85 else rng.choice(SIDE_PAGES)
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
            offset += song[3] // UNITS - rng.randrange(30) if song else rng.randrange(60)
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
        return artist, title, repr((units + delta) / UNITS), units + delta

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
        """A log line in LOG_KEYS order, byte for byte as json.dumps + `as_json`'s escapes."""
        if who not in self.persons:
            self.persons[who] = self.people.person(who)
        person = self.persons[who]
        artist, title, length = song[:3] if song else ("null", "null", "null")
        method, status = PAGES[page]
        return (
            f'{{"artist":{artist},"auth":{person.auth},"firstName":{person.first},'
            f'"gender":{person.gender},"itemInSession":{item},"lastName":{person.last},'
            f'"length":{length},"level":"{level}","location":{person.location},'
            f'"method":"{method}","page":"{page}","registration":{person.registration},'
            f'"sessionId":{session},"song":{title},"status":{status},"ts":{ts * 1000 + MILLIS},'
            f'"userAgent":{person.agent},"userId":{person.user_id}}}'
        )
