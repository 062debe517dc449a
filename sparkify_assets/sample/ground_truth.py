"""The ground truth: the counts a correct pipeline must find in the generated files, added up
from the finished tasks while they are written (never via SQL), and saved beside them."""

from __future__ import annotations

import dataclasses
import datetime
import json
from array import array
from pathlib import Path

from sparkify_assets.sample.events import DayDone, SongsDone
from sparkify_assets.sample.people import People
from sparkify_assets.sample.plan import Plan
from sparkify_assets.sample.songs import Catalogue

GROUND_TRUTH = "ground_truth.json"


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


def load_ground_truth(out: Path) -> GroundTruth:
    """Read the answers of a dataset written earlier by `generate`."""
    return GroundTruth.from_json((out / GROUND_TRUTH).read_text(encoding="utf-8"))


class Tally:
    """Adds up finished tasks into the ground truth; in any order, as a pool returns them."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.song_files = self.log_files = 0
        self.counts = {"events": 0, "logged_out": 0, "plays": 0, "near_miss": 0, "ts": 0}
        self.plays_per_day: dict[int, int] = {}
        self.plays = array("I", [0]) * plan.songs  # per song index
        self.featured = bytearray(Catalogue.artist_count(plan.songs))  # per artist index
        self.last_day = array("i", [-1]) * plan.users  # per user index: last day with a session
        self.last_paid = bytearray(plan.users)  # and whether its last event was paid
        self.user_plays = array("I", [0]) * plan.users  # per user index
        self.paid_plays = 0
        self.plays_per_hour = [0] * 24
        self.active_users_per_day: dict[int, int] = {}

    def add(self, done: SongsDone | DayDone) -> None:
        """Count a finished task in."""
        if isinstance(done, SongsDone):
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

    def truth(self, catalogue: Catalogue, people: People) -> GroundTruth:
        """The ground truth of every task added, with ids as the files write them."""
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
