"""Benchmark: does day N's run cost the same after N-1 earlier days as on an empty warehouse?

A day's run must not grow with the history already loaded (issue 15: each step within 1.2x).
For each N of --at, the steps a daily run takes for day N (its staging_events, then users,
songplays and time, each called as the assets call `rebuild`) are timed twice on the
embedded PostgreSQL: on a warehouse holding only the song catalogue, and on one holding days
1..N-1 too, loaded as a backfill loads them (one range of days at a time) and then VACUUMed as
autovacuum would have by the next day. The server is CHECKPOINTed before each timed step, so
no step pays for the backfill's dirty pages.

    uv run --frozen python bench/incremental_day.py --users 2000 --at 30,365 --repeat 3

The data (generated once, kept in --data-dir and reused) has max(--at) days of events from
--users users, about 3 events a user a day. Results: a table on stdout, and --out (Markdown)
with a JSON beside it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sparkify_assets.model.days import Days
from sparkify_assets.model.tables import STAGING_TABLES, STAR_TABLES
from sparkify_assets.sample.generate import GROUND_TRUTH, generate
from sparkify_assets.sample.ground_truth import load_ground_truth
from sparkify_assets.warehouse.embedded import stop_embedded_postgres
from sparkify_assets.warehouse.resource import WarehouseResource
from sparkify_assets.warehouse.source import RawSourceResource

EVENTS, SONGS = STAGING_TABLES
STAR = {table.name: table for table in STAR_TABLES}
DAILY_STAR = tuple(table for table in STAR_TABLES if table.name in ("users", "songplays", "time"))
STEPS = ("staging_events", *(table.name for table in DAILY_STAR))  # in a daily run's order
FIRST_DAY = date(2018, 11, 1)  # the generator's default start
TARGET = 1.2  # issue 15: day N after N-1 days within 1.2x of day N first


def day(n: int) -> date:
    return FIRST_DAY + timedelta(days=n - 1)


def one_day(n: int) -> Days:
    return Days(day(n), day(n))


def maintain(warehouse: WarehouseResource, command: str) -> None:
    """CHECKPOINT or VACUUM, which run outside a transaction."""
    with warehouse.connection() as connection:
        connection.autocommit = True
        connection.cursor().execute(command)


def run_days(
    warehouse: WarehouseResource, source: RawSourceResource, days: Days
) -> dict[str, float]:
    """What a run of `days` does to these tables, as the assets call it (assets/star.py: a
    table built for days gets them, another is rebuilt whole); each step timed after a
    CHECKPOINT."""
    maintain(warehouse, "CHECKPOINT")
    started = time.perf_counter()
    warehouse.load_staging(EVENTS, source, days=days)
    seconds = {EVENTS.name: time.perf_counter() - started}
    for table in DAILY_STAR:
        maintain(warehouse, "CHECKPOINT")
        started = time.perf_counter()
        warehouse.rebuild(table, days if table.built_for_days else Days.ALL)
        seconds[table.name] = time.perf_counter() - started
    return seconds


def backfill(
    warehouse: WarehouseResource, source: RawSourceResource, first: int, last: int
) -> None:
    """Days first..last in one run, as a backfill of a range does (untimed)."""
    run_days(warehouse, source, Days(day(first), day(last)))
    # The day after a backfill, autovacuum has long finished with its rows; right after it, it
    # would be vacuuming them while the day is timed, on one of the two cores.
    maintain(warehouse, "VACUUM (ANALYZE)")


def fresh(home: Path, schema: str, source: RawSourceResource) -> WarehouseResource:
    """A warehouse in its own schema holding the song catalogue and its two dimensions only."""
    warehouse = WarehouseResource(home=str(home), schema_name=schema)
    with warehouse.session() as session:
        session.execute("common/drop_schema", schema=schema)
    warehouse.load_staging(SONGS, source)
    for name in ("songs", "artists"):
        warehouse.rebuild(STAR[name])
    return warehouse


def dataset(data_dir: Path, users: int, songs: int, days: int) -> tuple[Path, int]:
    """The generated data for these arguments (the same arguments give the same files), and its
    number of events; generated only when missing."""
    out = data_dir / f"days-{days}d-{users}u-{songs}s"
    if not (out / GROUND_TRUTH).exists():
        print(f"generating {out}")
        generate(out, users=users, songs=songs, days=days)
    return out, load_ground_truth(out).events


def measure(source: RawSourceResource, at: list[int], repeat: int) -> dict[int, dict[str, Any]]:
    """Each N's timed day, alone and after N-1 days, `repeat` times; the medians."""
    alone: dict[int, list[dict[str, float]]] = {n: [] for n in at}
    after: dict[int, list[dict[str, float]]] = {n: [] for n in at}
    with tempfile.TemporaryDirectory(prefix="incremental-day-") as scratch:
        home = Path(scratch)
        try:
            for attempt in range(repeat):
                for n in at:
                    alone[n].append(
                        run_days(fresh(home, "bench_alone", source), source, one_day(n))
                    )
                warehouse, loaded = fresh(home, "bench_after", source), 0
                for n in at:  # one warehouse, growing: day 365 comes after day 30 and the rest
                    if n - 1 > loaded:
                        backfill(warehouse, source, loaded + 1, n - 1)
                    after[n].append(run_days(warehouse, source, one_day(n)))
                    loaded = n
                print(f"  run {attempt + 1} of {repeat} done")
        finally:
            stop_embedded_postgres(home)
    return {
        n: {
            step: {
                "alone": statistics.median(run[step] for run in alone[n]),
                "after": statistics.median(run[step] for run in after[n]),
            }
            for step in STEPS
        }
        for n in at
    }


def markdown(results: dict[int, dict[str, Any]], facts: dict[str, Any]) -> str:
    at = list(results)
    lines = [
        f"Day N after N-1 days against day N first: {facts['events']:,} events over "
        f"{facts['days']} days from {facts['users']:,} users, median of {facts['repeat']} "
        f"run(s), seconds (target: each ratio <= {TARGET:g}).",
        "",
        "| step | " + " | ".join(f"day {n} first | after {n - 1} days | ratio" for n in at) + " |",
        "|---|" + "---:|---:|---:|" * len(at),
    ]
    for step in STEPS:
        cells = []
        for n in at:
            alone, after = results[n][step]["alone"], results[n][step]["after"]
            ratio = after / alone
            verdict = "PASS" if ratio <= TARGET else "MISS"
            cells.append(f"{alone:.3f} | {after:.3f} | {ratio:.2f} {verdict}")
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--songs", type=int, default=3000)
    parser.add_argument("--at", default="30,365", help="the days N timed, e.g. 30,365")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/sparkify-bench/data"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/incremental_day.md"))
    args = parser.parse_args()
    at = sorted({int(n) for n in args.at.split(",")})
    if at[0] < 2:
        parser.error("--at: every N must be at least 2, so that day N has a history")
    data, events = dataset(args.data_dir, args.users, args.songs, at[-1])
    print(f"{events:,} events over {at[-1]} days in {data}; timing days {at}")
    results = measure(RawSourceResource(location=str(data)), at, args.repeat)
    facts = {"events": events, "days": at[-1], "users": args.users, "repeat": args.repeat}
    report = markdown(results, facts)
    print("\n" + report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    record = {"facts": facts, "results": {str(n): result for n, result in results.items()}}
    args.out.with_suffix(".json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
