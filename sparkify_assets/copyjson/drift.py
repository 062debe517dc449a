"""Schema drift: the top-level JSON keys a load saw that map to no column.

Redshift's COPY drops such a key without a word, and so does the emulation; a data team wants
to know when the files grow a field. A key is mapped when it is the first step of a JSONPath
(`$['a']` and `$['a']['b']` both map `a`), or, under 'auto', when it is a column's name exactly:
'auto' matches a key to the column of the same name, case included (`mapping.auto_getters`
reads `record.get(column)`), so `Year` maps nothing in a table whose column is `year`. Only the
top level is looked at: a new key inside a mapped object (`$['a']` holding a new `c`) is not
drift here.

One counter serves both targets: the emulated COPY counts the records it loads (a rejected
record's keys are not counted), and after Redshift's own COPY a sample of the files it read is
counted the same way (`count_files`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import IO, Any

import orjson

from sparkify_assets.copyjson.records import iter_lines, iter_records, read_chunks

# Distinct keys one counter holds at most: a file whose records each bring a key of their own
# (ids as keys) is another format, not drift, and must not grow a worker's memory or its frames.
# Past this, new keys are not counted (which ones are kept then depends on the workers' order).
MAX_KEYS = 1_000

OpenFile = Callable[[str], AbstractContextManager[IO[bytes]]]


@dataclass(frozen=True)
class UnmappedKey:
    """One key that maps to no column: how many records had it, and the first file and line
    (in file, then line order) where one did."""

    key: str
    records: int
    example_file: str
    example_line: int

    @property
    def example(self) -> str:
        return f"{self.example_file}:{self.example_line}"


class UnmappedKeys:
    """Counts of the keys outside `mapped`, by key: [records, example file, example line].

    The hot path asks `all_mapped(record)` (one set test in C, no allocation) and counts only
    a record that fails it; most records have exactly the mapped keys."""

    __slots__ = ("all_mapped", "counts", "mapped")

    def __init__(self, mapped: frozenset[str] = frozenset()) -> None:
        self.mapped = mapped
        self.all_mapped: Callable[[Iterable[str]], bool] = mapped.issuperset
        self.counts: dict[str, list[Any]] = {}

    def __bool__(self) -> bool:
        return bool(self.counts)

    def see(self, record: Any, name: str, line_number: int) -> None:
        """Count a loaded record's unmapped keys, if it is an object with any."""
        if type(record) is dict and not self.all_mapped(record):
            self.count(record, name, line_number)

    def count(self, record: dict[str, Any], name: str, line_number: int) -> None:
        """Count an object's unmapped keys, the first seen of each as its example."""
        counts = self.counts
        for key in record:
            if key in self.mapped:
                continue
            seen = counts.get(key)
            if seen is not None:
                seen[0] += 1
            elif len(counts) < MAX_KEYS:
                counts[key] = [1, name, line_number]

    def merge(self, other: UnmappedKeys) -> None:
        """Add another counter's counts; each key keeps the earlier example of the two (by file,
        then line), so the result does not depend on which worker finished first."""
        for key, (records, name, line_number) in other.counts.items():
            seen = self.counts.get(key)
            if seen is None:
                if len(self.counts) < MAX_KEYS:
                    self.counts[key] = [records, name, line_number]
                continue
            seen[0] += records
            if (name, line_number) < (seen[1], seen[2]):
                seen[1], seen[2] = name, line_number

    def to_json(self) -> bytes:
        """The counts for a worker's frame: nothing at all when there are none (most batches)."""
        return orjson.dumps(self.counts) if self.counts else b""

    @classmethod
    def from_json(cls, data: bytes) -> UnmappedKeys | None:
        """The counts `to_json` wrote, or None for none."""
        if not data:
            return None
        counter = cls()
        counter.counts = orjson.loads(data)
        return counter

    def found(self) -> list[UnmappedKey]:
        """Every key counted, the most frequent first (then by key)."""
        found = [UnmappedKey(key, *seen) for key, seen in self.counts.items()]
        return sorted(found, key=lambda found_key: (-found_key.records, found_key.key))


def count_file(name: str, handle: IO[bytes], counter: UnmappedKeys) -> None:
    """Count the unmapped keys of every record of a file that is a JSON object, reading it as
    the COPY emulation does (`records`), without converting a value."""
    for line_number, value, _, _ in iter_records(iter_lines(read_chunks(handle))):
        counter.see(value, name, line_number)


def count_files(
    files: Sequence[str], open_file: OpenFile, mapped: frozenset[str], workers: int
) -> UnmappedKeys:
    """The unmapped keys of the files, read by `workers` threads (the time goes into waiting
    for S3); a file that can't be read fails the count, as it would a load."""

    def one(name: str) -> UnmappedKeys:
        counter = UnmappedKeys(mapped)
        with open_file(name) as handle:
            count_file(name, handle, counter)
        return counter

    total = UnmappedKeys(mapped)
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(files)))) as pool:
        for counter in pool.map(one, files):
            total.merge(counter)
    return total
