"""Benchmark: does loading day N cost the same after N-1 earlier days as on an empty warehouse?

A day's load must not grow with the history already loaded: it reads one file, deletes and
inserts one day's rows. This times, on the embedded PostgreSQL, the daily steps for the last
day of a generated dataset twice: into an empty warehouse, and after every earlier day was
loaded. `users` is rebuilt from every staged event on purpose (a user's latest level can come
from any day), so it is shown on its own.

    uv run python bench/incremental_day.py --users 3000 --songs 3000 --days 30 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sparkify_assets.generate import generate
from sparkify_assets.partitions import Days
from sparkify_assets.resources.embedded import stop_embedded_postgres
from sparkify_assets.resources.source import RawSourceResource
from sparkify_assets.resources.warehouse import WarehouseResource
from sparkify_assets.tables import STAGING_TABLES, STAR_TABLES

EVENTS, SONGS = STAGING_TABLES
STAR = {table.name: table for table in STAR_TABLES}
DAILY_STEPS = ("staging_events", "songplays", "time")


def timed_day(warehouse: WarehouseResource, source: RawSourceResource, day: date) -> dict:
    days = Days(day, day)
    seconds = {}
    started = time.perf_counter()
    warehouse.load_staging(EVENTS, source, days=days)
    seconds["staging_events"] = time.perf_counter() - started
    for name in ("songplays", "time"):
        started = time.perf_counter()
        warehouse.rebuild(STAR[name], days)
        seconds[name] = time.perf_counter() - started
    started = time.perf_counter()
    warehouse.rebuild(STAR["users"])
    seconds["users"] = time.perf_counter() - started
    return seconds


def fresh(home: Path, schema: str, source: RawSourceResource) -> WarehouseResource:
    warehouse = WarehouseResource(home=str(home), schema_name=schema)
    with warehouse.session() as session:
        session.execute("common/drop_schema", schema=schema)
    warehouse.load_staging(SONGS, source)
    for name in ("songs", "artists"):
        warehouse.rebuild(STAR[name])
    return warehouse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--songs", type=int, default=3000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    first = date(2018, 11, 1)
    last = first + timedelta(days=args.days - 1)
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch)
        truth = generate(home / "data", users=args.users, songs=args.songs, days=args.days)
        print(f"{truth.events:,} events over {args.days} days; timing day {last}")
        source = RawSourceResource(location=str(home / "data"))
        try:
            alone, after = [], []
            for attempt in range(args.repeat):
                warehouse = fresh(home, "bench_alone", source)
                alone.append(timed_day(warehouse, source, last))
                warehouse = fresh(home, "bench_after", source)
                for n in range(args.days - 1):
                    warehouse.load_staging(
                        EVENTS, source, days=Days(first + timedelta(n), first + timedelta(n))
                    )
                    for name in ("songplays", "time"):
                        warehouse.rebuild(
                            STAR[name], Days(first + timedelta(n), first + timedelta(n))
                        )
                print(f"  run {attempt + 1}: {args.days - 1} earlier days loaded")
                after.append(timed_day(warehouse, source, last))
        finally:
            stop_embedded_postgres(home)
    print(
        f"\n{'step':<16}{'empty (s)':>12}{'after (s)':>12}{'ratio':>8}   (median of {args.repeat})"
    )
    for step in (*DAILY_STEPS, "users"):
        a = statistics.median(run[step] for run in alone)
        b = statistics.median(run[step] for run in after)
        print(f"{step:<16}{a:>12.3f}{b:>12.3f}{b / a:>8.2f}")
    daily_a = statistics.median(sum(run[s] for s in DAILY_STEPS) for run in alone)
    daily_b = statistics.median(sum(run[s] for s in DAILY_STEPS) for run in after)
    print(f"{'the day (3 steps)':<16}{daily_a:>12.3f}{daily_b:>12.3f}{daily_b / daily_a:>8.2f}")


if __name__ == "__main__":
    main()
