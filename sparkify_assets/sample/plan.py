"""What every part of the generator shares: the arguments of one `generate` call (`Plan`), the
day's clock of the real logs, and draws that are pure functions of (key, index) (`Draws`), so
that every process computes the same song, artist or user from its index alone."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Sequence
from typing import TypeVar

# A user has a session on a quarter of the days, of 12 events on average, and logged-out visitors
# add 0.06; measured 3.08-3.10 at 1 M and 10 M events (smaller samples vary more).
EVENTS_PER_USER_DAY = 3.08
DAY_SECONDS = 86_400
MILLIS = 796  # every real ts and registration ends in 796 milliseconds

_T = TypeVar("_T")


@dataclasses.dataclass(frozen=True)
class Plan:
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
        """About how many events the call writes: for sizing, progress and choosing workers."""
        return round(self.users * self.days * EVENTS_PER_USER_DAY)

    def key(self, kind: str) -> int:
        """A 64-bit key for one kind of draws, the same in every process and Python run."""
        digest = hashlib.sha256(f"{self.seed}/{kind}".encode()).digest()
        return int.from_bytes(digest[:8], "big")


def epoch(day: datetime.date) -> int:
    """The second `day` starts at, UTC: the logs count ts from 1970 in UTC."""
    return int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp())


_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(x: int) -> int:
    """SplitMix64's finaliser: a bijection of 64-bit integers that scatters neighbours."""
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


class Draws:
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
        """A whole number from 0 to n - 1."""
        if self._room < n << 16:
            self._state = (self._state + _GOLDEN) & _MASK
            self._pool, self._room = _mix(self._state), 1 << 64
        self._pool, value = divmod(self._pool, n)
        self._room //= n
        return value

    def random(self) -> float:
        """A number from 0 to 1 (1 excluded), in steps of 2^-24."""
        return self.below(1 << 24) / (1 << 24)

    def chance(self, probability: float) -> bool:
        """True with `probability` (to 0.001), spending 10 bits where `random` spends 24."""
        return self.below(1000) < round(probability * 1000)

    def choice(self, items: Sequence[_T]) -> _T:
        """One of `items`, each as likely."""
        return items[self.below(len(items))]
