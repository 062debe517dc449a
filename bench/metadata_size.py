"""Benchmark: how much metadata one `sparkify_etl` run writes into Dagster's event log.

A run of N days records a materialization per asset per day; whatever each carries is stored N
times. Issue 17 measured 62 KB per event for one chart. This runs the job in process on a
source (the real sample, or generated data of --days days), into an instance of its own, and
adds up the serialized metadata of every materialization, by asset: the largest one (the
latest day's, the one the asset's page shows) and the run's total.

    uv run --frozen python bench/metadata_size.py --source ../shared/data/sparkify
    uv run --frozen python bench/metadata_size.py --days 400

To compare with an earlier commit, run it from that checkout with PYTHONPATH set to it.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from dagster import DagsterInstance
from dagster._serdes import serialize_value

from sparkify_assets.config.settings import Settings
from sparkify_assets.definitions import build_definitions
from sparkify_assets.sample.generate import generate


def measure(source: str, home: str) -> dict[str, dict[str, int]]:
    settings = Settings.from_env(
        {"SPARKIFY_SOURCE": source, "SPARKIFY_HOME": home, "SPARKIFY_SCHEMA": "bench_metadata"}
    )
    job = build_definitions(settings).resolve_job_def("sparkify_etl")
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance)
    by_asset: dict[str, list[int]] = {}
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        size = len(serialize_value(materialization.metadata))
        by_asset.setdefault(materialization.asset_key.to_user_string(), []).append(size)
    return {
        asset: {"events": len(sizes), "largest": max(sizes), "total": sum(sizes)}
        for asset, sizes in by_asset.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", help="raw files; default: generated data of --days days")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--home", default=str(Path(tempfile.gettempdir()) / "sparkify-bench-md"))
    parser.add_argument("--out", type=Path, help="write the figures here too (JSON)")
    arguments = parser.parse_args()
    source = arguments.source
    if source is None:
        source = str(Path(arguments.home) / f"sample-{arguments.days}")
        if not Path(source).exists():
            generate(Path(source), days=arguments.days)
    figures = measure(source, arguments.home)
    print(f"{'asset':22} {'events':>6} {'largest':>8} {'total':>10}")
    for asset, row in figures.items():
        print(f"{asset:22} {row['events']:6} {row['largest']:8,} {row['total']:10,}")
    total = sum(row["total"] for row in figures.values())
    print(f"{'all':22} {sum(r['events'] for r in figures.values()):6} {'':8} {total:10,}")
    if arguments.out:
        arguments.out.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
