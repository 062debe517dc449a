"""The song catalogue and the songs missing from it, each computed from its index: the process
writing a play recomputes the song it names instead of keeping a catalogue."""

from __future__ import annotations

import string
from typing import Any, NamedTuple

from sparkify_assets.sample.plan import Draws, Plan
from sparkify_assets.sample.words import (
    ACCENTED_WORDS,
    ARTIST_PLACES,
    FIRST_NAMES,
    LAST_NAMES,
    WORDS,
)

# Lengths are counted in units of 10 µs (real durations have 5 decimals). Catalogue durations are
# 90 s + an even number of units, distinct per song: an affine bijection of the song index modulo
# a prime, so up to DURATION_PRIME songs fit below 420 s.
UNITS = 100_000
_MIN_UNITS = 90 * UNITS
DURATION_PRIME = 16_499_963  # the largest prime <= (420 - 90) * UNITS / 2

_ALNUM = string.ascii_uppercase + string.digits
_UPPER = string.ascii_uppercase
# Ids are a prefix, an affine bijection of the index written as 6 base-36 digits (unique by
# construction), and random characters.
_ID_CODE_DIGITS = 6
_ID_SPACE = len(_ALNUM) ** _ID_CODE_DIGITS


def _name(draws: Draws) -> str:
    """A catalogue artist's name: "The Xs", "First Last" or "Word Word"."""
    style = draws.below(10)
    if style < 3:
        return f"The {draws.choice(WORDS)}s"
    if style < 6:
        return f"{draws.choice(FIRST_NAMES[draws.choice('FM')])} {draws.choice(LAST_NAMES)}"
    return f"{draws.choice(WORDS)} {draws.choice(WORDS)}"


def _missing_artist(draws: Draws) -> str:
    """A name in a form `_name` never makes (nor its numbers or "featuring" variants), so a song
    missing from song_data never shares a catalogue song's title and artist."""
    form = draws.below(4)
    word = draws.choice(WORDS)
    if form == 0:
        return f"DJ {word}"
    if form == 1:
        return f"{word} Collective"
    if form == 2:
        return f"Los {word}s"
    return f"{draws.choice(FIRST_NAMES[draws.choice('FM')])} & the {word}s"


def _title(draws: Draws) -> str:
    return " ".join([draws.choice(WORDS) for _ in range(1 + draws.below(3))])


class Artist(NamedTuple):
    """An artist as the song files name and place it."""

    names: tuple[str | int, ...]  # the name, and for some artists "<name> featuring <name>"
    locations: tuple[str, ...]  # one per name
    latitude: float | None
    longitude: float | None


class Song(NamedTuple):
    """A song of the catalogue: what its file and its plays say of it."""

    title: str | int | float
    artist: int  # artist index
    variant: int  # which of the artist's (name, location) variants the song file carries
    units: int  # duration in 10 µs units


class Catalogue:
    """The song files and the songs missing from them, each computed from its index."""

    def __init__(self, plan: Plan) -> None:
        self.songs = plan.songs
        self.artists = self.artist_count(plan.songs)
        self.missing = plan.songs // 2
        self._song_key, self._file_key = plan.key("song"), plan.key("song-file")
        self._artist_key, self._missing_key = plan.key("artist"), plan.key("missing-song")
        self._artist_id_key = plan.key("artist-id")
        draws = Draws(plan.key("bijections"), 0)
        # Multipliers coprime to the modulus make each map a bijection.
        self._ids = {
            prefix: (6 * draws.below(_ID_SPACE // 6) + 1, draws.below(_ID_SPACE))
            for prefix in ("AR", "SO", "TR")
        }
        self._durations = (1 + draws.below(DURATION_PRIME - 1), draws.below(DURATION_PRIME))

    @staticmethod
    def artist_count(songs: int) -> int:
        """Artists of a catalogue of `songs` songs: fewer, so most artists have one song."""
        return max(2, round(songs * 0.65))

    def artist(self, index: int) -> Artist:
        """Artist 0 has a numeric name and no place; artist 1 a non-ASCII name and two variants."""
        draws = Draws(self._artist_key, index)
        names = self._artist_names(index, draws)
        located = index == 1 or (index > 1 and draws.chance(0.55))
        location = draws.choice(ARTIST_PLACES) if located else ""
        locations = (location, draws.choice((location, "")))[: len(names)]
        if index == 1 or (index > 1 and draws.chance(0.4)):
            latitude = round(-45.0 + 110.0 * draws.random(), 5)
            return Artist(names, locations, latitude, round(-125.0 + 155.0 * draws.random(), 5))
        return Artist(names, locations, None, None)

    def _artist_names(self, index: int, draws: Draws) -> tuple[str | int, ...]:
        """The artist's name, and for some a second variant: the first draws of an artist, so a
        play needs no more."""
        name: str | int
        if index == 0 or draws.chance(0.02):
            name = 1 + draws.below(2020)
        elif index == 1:
            name = f"{draws.choice(ACCENTED_WORDS)} {draws.choice(WORDS)}"
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
        draws = Draws(self._missing_key, index)
        title = _title(draws)
        return _missing_artist(draws), title, _MIN_UNITS + draws.below(330 * UNITS)

    def song(self, index: int) -> tuple[Song, tuple[str | int, ...]]:
        """Song `index` and its artist's names. An artist's first song is the one with its index."""
        draws = Draws(self._song_key, index)
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
        names = self._artist_names(artist_index, Draws(self._artist_key, artist_index))
        if variant < 0:
            variant = draws.below(len(names))
        a, b = self._durations
        units = _MIN_UNITS + 2 * ((a * index + b) % DURATION_PRIME)
        return Song(title, artist_index, variant, units), names

    def song_id(self, index: int) -> str:
        """Song `index`'s song_id, as its file has it."""
        return self._id("SO", index, Draws(self._file_key, index))

    def artist_id(self, index: int) -> str:
        """Artist `index`'s artist_id, as its songs' files have it."""
        return self._id("AR", index, Draws(self._artist_id_key, index))

    def song_file(self, index: int) -> tuple[str, dict[str, Any], int | None]:
        """(track id, the song file's object, its artist if it names the second variant)."""
        song = self.song(index)[0]
        artist = self.artist(song.artist)
        draws = Draws(self._file_key, index)
        name, location = artist.names[song.variant], artist.locations[song.variant]
        song_id = self._id("SO", index, draws)
        obj = {
            "artist_id": self.artist_id(song.artist),
            "artist_latitude": artist.latitude,
            "artist_location": location,
            "artist_longitude": artist.longitude,
            "artist_name": name,
            "duration": song.units / UNITS,
            "num_songs": 1,
            "song_id": song_id,
            "title": song.title,
            "year": 0 if index == 2 or draws.chance(0.3) else 1955 + draws.below(56),
        }
        track = self._id("TR", index, draws, "A" + draws.choice(_UPPER) + draws.choice(_UPPER))
        return track, obj, song.artist if song.variant else None

    def _id(self, prefix: str, index: int, draws: Draws, head: str = "") -> str:
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
