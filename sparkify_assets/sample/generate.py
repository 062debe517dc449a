"""A deterministic, Sparkify-shaped raw dataset with known answers, at any size.

The real Udacity files are too large and too irregular to reason about in tests, so this writes a
tree with the same layout, serialisation and dirty-data traps, plus `ground_truth.json`: the
counts a correct pipeline must reproduce, known by construction while writing, never via SQL.

It stays fast and flat at 10 M events and 1 M songs because nothing grows with the data:
- Every song, artist, missing song and user is a pure function of (seed, its index) (`Draws`),
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
import itertools
import json
import math
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from sparkify_assets.sample.events import DayDone, SongsDone, Task, Worker
from sparkify_assets.sample.ground_truth import GROUND_TRUTH, GroundTruth, Tally
from sparkify_assets.sample.people import People
from sparkify_assets.sample.plan import EVENTS_PER_USER_DAY, Plan
from sparkify_assets.sample.songs import DURATION_PRIME, Catalogue

# Key order of a log line; log_json_path.json lists the same keys in the same order.
LOG_KEYS = (
    "artist", "auth", "firstName", "gender", "itemInSession", "lastName", "length", "level",
    "location", "method", "page", "registration", "sessionId", "song", "status", "ts",
    "userAgent", "userId",
)  # fmt: skip
LOG_JSON_PATHS = json.dumps({"jsonpaths": [f"$['{key}']" for key in LOG_KEYS]}, indent=4)
# Present while `generate` writes: an interrupted run leaves it, and no ground truth that would
# describe files it had not finished rewriting. Either marks the directory as ours to rewrite.
GENERATING = ".generating"
_OUTPUTS = frozenset({"log_data", "song_data", "log_json_path.json", GROUND_TRUTH, GENERATING})

# A day's events are held in memory (~200 bytes each) until sorted and written, so the --events
# size knob spreads events over enough days to keep a day near this size.
DAY_EVENTS = 30_000
_SONG_CHUNK = 5_000  # song files per task
# Work estimate for progress and for choosing workers: a song file costs about as much as this
# many events (creating a small file dominates).
_SONG_FILE_EVENTS = 20
_PARALLEL_FROM = 300_000  # estimated events (song files weighted) worth starting processes for


@dataclasses.dataclass(frozen=True)
class Progress:
    """How far a `generate` call is, reported after each finished task (a day or song chunk)."""

    song_files: int
    log_files: int
    events: int
    elapsed: float  # seconds since the call started
    done: float  # estimated share of the work finished, 0..1


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
    plan = Plan(str(out), users, songs, days, seed, start)
    if songs > DURATION_PRIME or plan.session_stride * days >= 2**31:
        raise ValueError("too large: songs must fit the duration lattice, session ids an INTEGER")
    if workers is None:
        estimate = plan.expected_events + songs * _SONG_FILE_EVENTS
        workers = (os.cpu_count() or 1) if estimate >= _PARALLEL_FROM else 1
    _prepare(out)
    (out / "log_json_path.json").write_text(LOG_JSON_PATHS, encoding="ascii")
    tally, started = Tally(plan), time.monotonic()
    for result in _run_tasks(plan, workers):
        tally.add(result)
        if progress is not None:
            progress(_progress(tally, started))
    truth = tally.truth(Catalogue(plan), People(plan))
    (out / GROUND_TRUTH).write_text(truth.to_json(), encoding="utf-8")
    (out / GENERATING).unlink()
    return truth


def _progress(tally: Tally, started: float) -> Progress:
    """How far the call is, by the work finished: song files weighted as events."""
    work = tally.plan.songs * _SONG_FILE_EVENTS + tally.plan.expected_events
    worked = tally.song_files * _SONG_FILE_EVENTS + tally.counts["events"]
    share = 0.99 * min(1.0, worked / work)
    events = tally.counts["events"]
    return Progress(tally.song_files, tally.log_files, events, time.monotonic() - started, share)


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


def _tasks(plan: Plan) -> list[Task]:
    """Song chunks and days, merged by how far into its own kind each task is, so both advance
    together and the progress estimate holds all along."""
    chunks = [
        ("songs", lo, min(lo + _SONG_CHUNK, plan.songs)) for lo in range(0, plan.songs, _SONG_CHUNK)
    ]
    days = [("day", index, 0) for index in range(plan.days)]
    placed = [((n + 1) / len(chunks), task) for n, task in enumerate(chunks)]
    placed += [((n + 1) / len(days), task) for n, task in enumerate(days)]
    return [task for _, task in sorted(placed)]


def _run_tasks(plan: Plan, workers: int) -> Iterator[SongsDone | DayDone]:
    """Each task's result, in order of completion, from this process or from a pool."""
    tasks = _tasks(plan)
    if workers <= 1:
        worker = Worker(plan)
        yield from (worker.run(task) for task in tasks)
        return
    # spawn, not fork: the caller may have threads (Dagster, pytest plugins), which a forked
    # child would inherit in whatever state (locks held) they were.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(plan,)) as pool:
        # A bounded number in flight, so results (and memory) never pile up behind a slow task.
        queue = iter(tasks)
        running: set[Future[SongsDone | DayDone]] = {
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


_worker: Worker | None = None  # a pool process's own worker, set by _start_worker


def _start_worker(plan: Plan) -> None:
    global _worker
    _worker = Worker(plan)


def _run_in_worker(task: Task) -> SongsDone | DayDone:
    assert _worker is not None, "the pool's initializer sets the worker"
    return _worker.run(task)
