"""The users: what every day needs of them (activity, level, switch days) kept in flat arrays,
the rest (names, agent, …) computed from a user's index when a session needs it."""

from __future__ import annotations

from array import array
from typing import NamedTuple

from sparkify_assets.sample.plan import DAY_SECONDS, MILLIS, Draws, Plan, epoch
from sparkify_assets.sample.text import as_json, mangle
from sparkify_assets.sample.words import CITIES, FIRST_NAMES, LAST_NAMES, USER_AGENTS


class Person(NamedTuple):
    """A log line's user fields, already serialised as JSON values."""

    auth: str
    first: str
    gender: str
    last: str
    location: str
    registration: str
    agent: str
    user_id: str


LOGGED_OUT = Person('"Logged Out"', "null", "null", "null", "null", "null", "null", '""')


class People:
    """Users: what every day needs (activity, level, switch days) in flat arrays, the rest
    (names, agent, ...) computed from the user's index when a session needs it."""

    def __init__(self, plan: Plan) -> None:
        self._profile_key, self._start = plan.key("user"), epoch(plan.start)
        self.activity = array("d")  # chance of a session on any day
        self.paid = bytearray()  # the level on day 0
        self.switches: dict[int, tuple[int, ...]] = {}  # user -> days (ascending) of a switch
        self.switching: dict[int, dict[int, int]] = {}  # day -> {user: switches that day}
        draws = Draws(plan.key("user-level"), 0)
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
        return str(2 + 2 * user + Draws(self._profile_key, user).below(2))

    def person(self, user: int) -> Person:
        """The user's fields of a log line, computed from the index when a session needs them."""
        draws = Draws(self._profile_key, user)
        user_id = 2 + 2 * user + draws.below(2)
        gender = draws.choice("FM")
        agent = draws.choice(USER_AGENTS)
        registration = (self._start - DAY_SECONDS - draws.below(119 * DAY_SECONDS)) * 1000 + MILLIS
        return Person(
            auth='"Logged In"',
            first=as_json(mangle(draws.choice(FIRST_NAMES[gender]))),
            gender=f'"{gender}"',
            last=as_json(mangle(draws.choice(LAST_NAMES))),
            location=as_json(mangle(draws.choice(CITIES))),
            registration=repr(float(registration)),
            agent=as_json(f'"{agent}"' if "," in agent else agent),
            user_id=f'"{user_id}"',
        )
