"""What bench/scale.py measured, as tables, the issues' targets with PASS/MISS, and charts.

Kept apart from the measuring so that a run's JSON can be reported again after the code that
measured it changed (`python bench/scale_report.py bench/results/scale.json`).
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from duckdb_peer import differences

from sparkify_assets.model.tables import STAR_TABLES

_PARTS = ("events", "songs", "staging")
STAR = tuple(table.name for table in STAR_TABLES)
ROWS = (  # (label, summary key)
    ("loader: staging_events", "loader_events"),
    ("  of which streaming COPY", "loader_copy_events"),
    ("  listing the files (timed apart)", "loader_list_events"),
    ("loader: staging_songs", "loader_songs"),
    ("  of which streaming COPY", "loader_copy_songs"),
    ("  listing the files (timed apart)", "loader_list_songs"),
    ("raw COPY csv: events", "raw_copy_events"),
    ("raw COPY csv+ANALYZE: events", "raw_copy_analyze_events"),
    ("raw COPY text+ANALYZE: events", "raw_text_analyze_events"),
    ("raw COPY csv: songs", "raw_copy_songs"),
    ("raw COPY csv+ANALYZE: songs", "raw_copy_analyze_songs"),
    ("raw COPY text+ANALYZE: songs", "raw_text_analyze_songs"),
    ("naive autocommit: events (x100)", "naive_events"),
    ("naive autocommit: songs (x100)", "naive_songs"),
    ("naive one txn: events (x100)", "naive_tx_events"),
    ("naive one txn: songs (x100)", "naive_tx_songs"),
    ("DuckDB read_json: events", "duckdb_events"),
    ("DuckDB read_json: songs", "duckdb_songs"),
    *((f"star: {name}", f"star_{name}") for name in STAR),
    ("star: all five", "star_total"),
    *((f"DuckDB star: {name}", f"peer_{name}") for name in STAR),
    ("DuckDB star: all five", "peer_total"),
)
RATIOS = (  # issue 5's, of each staging table and of both
    ("loader / (raw COPY text + ANALYZE)", "ratio_loader_raw", "target <= 1.5 for events"),
    ("naive autocommit / loader", "ratio_naive_loader", "target >= 100"),
    ("naive one txn / loader", "ratio_naive_tx_loader", ""),
    ("loader / DuckDB read_json", "ratio_loader_duckdb", ""),
)
STAR_PEER_TARGET = 2.0  # issue 15: each star table within 2x of DuckDB on the same rows
REBUILD_TARGET = 1.1  # issue 15: the 5th rebuild in a row within 10 % of the first
LOADER_TARGET = 1.5  # issue 15: staging_events within 1.5x of raw COPY text + ANALYZE
SLOPE_TARGET = 1.05  # issue 15: star tables grow linearly with events
JOB_TARGET_SIZE, JOB_TARGET_SECONDS = "10m", 180.0  # issue 15: the whole job at 10 M events


def _label(name: str) -> str:
    """A star table's name, or "all five" for their sum."""
    return "all five" if name == "total" else name


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def job_steps(run: dict[str, Any]) -> list[str]:
    """The job's steps, in the order they ended in the first run measured."""
    return [key.removeprefix("job_step_") for key in run["summary"] if key.startswith("job_step_")]


def _job_rows(runs: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(label, key) of the job's split, for the steps every run has."""
    if not all("job_total" in run["summary"] for run in runs):
        return []
    shared = [s for s in job_steps(runs[0]) if all(f"job_step_{s}" in r["summary"] for r in runs)]
    return [
        ("whole job (wall)", "job_total"),
        ("  before the run (Python, code, listing)", "job_before_run"),
        *((f"  step {step}", f"job_step_{step}") for step in shared),
        ("  the asset checks' steps, together", "job_checks"),
        ("  in the run, outside the steps", "job_between_steps"),
    ]


def targets(runs: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """Issue 15's targets at each size: (what, one 'value PASS|MISS' cell per size)."""

    def row(label: str, cell: Callable[[dict[str, Any]], str]) -> tuple[str, list[str]]:
        return label, [cell(run) for run in runs]

    def at_most(key: str, limit: float) -> Callable[[dict[str, Any]], str]:
        return lambda run: f"{run['summary'][key]:.2f} {_verdict(run['summary'][key] <= limit)}"

    rows = [
        row(
            f"star / DuckDB, {_label(name)} (<= {STAR_PEER_TARGET:g})",
            at_most(f"ratio_star_peer_{name}", STAR_PEER_TARGET),
        )
        for name in (*STAR, "total")
    ]
    rows.append(
        row(
            "star rows identical to DuckDB's, every table",
            lambda run: "no MISS" if differences(run["duckdb_star"]) else "yes PASS",
        )
    )
    rows.append(
        row(
            f"rebuild round 5 / round 1, all five (<= {REBUILD_TARGET:g})",
            at_most("ratio_rebuild_total", REBUILD_TARGET),
        )
    )
    rows.append(
        row(
            f"loader staging_events / (raw COPY text + ANALYZE) (<= {LOADER_TARGET:g})",
            at_most("ratio_loader_raw_events", LOADER_TARGET),
        )
    )

    def job(run: dict[str, Any]) -> str:
        seconds = run["summary"].get("job_total")
        if seconds is None:
            return "not run"
        if run["size"] != JOB_TARGET_SIZE:
            return f"{seconds:.0f} s"
        return f"{seconds:.0f} s {_verdict(seconds < JOB_TARGET_SECONDS)}"

    rows.append(row(f"whole job, seconds (< {JOB_TARGET_SECONDS:g} at {JOB_TARGET_SIZE})", job))
    return rows


def growth(runs: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Log-log slope of each measure between consecutive sizes: 1 is linear, 2 quadratic.
    Event and star measures against events; song measures against song files."""
    slopes: dict[str, list[float]] = {}
    for key in runs[0]["summary"]:
        if key.startswith(("ratio", "peak", "idle", "sum_of")) or key.endswith(
            ("_per_s", "_row", "_worst")
        ):
            continue
        values = [run["summary"].get(key, 0.0) for run in runs]
        if min(values) <= 0:  # not measured at every size, or too fast to time
            continue
        x = "song_files" if key.endswith("_songs") else "events"
        slopes[key] = [
            math.log(b / a) / math.log(rb[x] / ra[x])
            for (a, ra), (b, rb) in itertools.pairwise(zip(values, runs, strict=True))
        ]
    return slopes


def growth_targets(
    runs: list[dict[str, Any]], slopes: dict[str, list[float]]
) -> list[tuple[str, list[str]]]:
    """Issue 15's growth target: every star table, and all five, at most SLOPE_TARGET."""
    return [
        (
            f"star: {_label(name)} (<= {SLOPE_TARGET:g})",
            [f"{v:.2f} {_verdict(v <= SLOPE_TARGET)}" for v in slopes[f"star_{name}"]],
        )
        for name in (*STAR, "total")
    ]


def print_size(run: dict[str, Any]) -> None:
    s = run["summary"]
    print(
        f"\n== {run['size']}: {run['events']:,} events in {run['log_files']} files "
        f"({run['events_mb']:.0f} MB), {run['song_files']:,} song files "
        f"({run['songs_mb']:.0f} MB); median of {run['repeats']} run(s); "
        f"load average {run['load_average_before'][0]:.1f} before, "
        f"{run['load_average_after'][0]:.1f} after"
    )
    print(f"{'measure':<44}{'seconds':>10}")
    for label, key in (*ROWS, *_job_rows([run])):
        print(f"{label:<44}{s[key]:>10.2f}")
    rounds = [s[key] for key in s if key.startswith("star_round_")]
    print("star rebuild rounds, all five: " + ", ".join(f"{value:.2f}" for value in rounds))
    print(
        f"loader: {s['loader_rows_per_s']:,.0f} event rows/s, "
        f"{s['loader_song_files_per_s']:,.0f} song files/s "
        f"(DuckDB {s['duckdb_song_files_per_s']:,.0f} files/s); "
        f"peak RSS of its process tree {s['peak_rss_mb_worst']:.0f} MB sampled, at most "
        f"{s['sum_of_peaks_mb_worst']:.0f} MB (worst run; PSS {s['peak_pss_mb_worst']:.0f} MB; "
        f"{s['idle_rss_mb']:.0f} MB after imports, before loading)"
    )
    print(f"{'ratio':<44}{'events':>9}{'songs':>9}{'staging':>9}")
    for label, key, target in RATIOS:
        values = "".join(f"{s[f'{key}_{part}']:>9.2f}" for part in _PARTS)
        print(f"{label:<44}{values}   {target}")
    print("issue 15's targets:")
    for label, cells in targets([run]):
        print(f"  {label:<70}{cells[0]:>14}")


def print_growth(runs: list[dict[str, Any]], slopes: dict[str, list[float]]) -> None:
    steps = [f"{a['size']}->{b['size']}" for a, b in itertools.pairwise(runs)]
    print("\n== growth: log-log slope between sizes (1 = linear, 2 = quadratic)")
    print(f"{'measure':<44}" + "".join(f"{step:>14}" for step in steps))
    for label, key in (*ROWS, *_job_rows(runs)):
        if key in slopes:
            print(f"{label:<44}" + "".join(f"{value:>14.2f}" for value in slopes[key]))
    for label, cells in growth_targets(runs, slopes):
        print(f"{label:<44}" + "".join(f"{cell:>14}" for cell in cells))


def _axes(title: str) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(11, 6))
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("events (song files = events / 10)")
    axes.set_ylabel("seconds")
    axes.set_title(title)
    axes.grid(True, which="both", alpha=0.3)
    return figure, axes


def _finish(figure: Any, axes: Any, runs: list[dict[str, Any]], key: str, path: Path) -> None:
    """A grey line of slope 1 through the first point of `key`, the legend, and save."""
    import matplotlib.pyplot as plt

    events = [run["events"] for run in runs]
    first = runs[0]["summary"][key]
    axes.plot(
        events,
        [first * n / events[0] for n in events],
        color="black",
        linestyle="--",
        linewidth=0.7,
        label="linear growth (slope 1), for reference",
    )
    axes.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def chart_steps(runs: list[dict[str, Any]], path: Path) -> None:
    """Each step of the pipeline against size, log-log, with DuckDB's build of each star table
    dotted in the same colour: parallel lines grow alike, steeper ones faster."""
    events = [run["events"] for run in runs]
    figure, axes = _axes("Sparkify: each step's time vs size (embedded PostgreSQL; DuckDB dotted)")

    def line(key: str, label: str, **style: Any) -> Any:
        return axes.plot(events, [r["summary"][key] for r in runs], label=label, **style)

    line("loader_events", "loader: staging_events", marker="o")
    line("loader_songs", "loader: staging_songs", marker="s")
    for name in (*STAR, "total"):
        (drawn,) = line(f"star_{name}", f"star: {_label(name)}", marker="*")
        line(
            f"peer_{name}",
            f"DuckDB: {_label(name)}",
            linestyle=":",
            marker=".",
            color=drawn.get_color(),
        )
    if all("job_total" in run["summary"] for run in runs):
        line("job_total", "whole job (dagster job execute)", marker="D", linewidth=2)
    _finish(figure, axes, runs, "star_total", path)


def chart_baselines(runs: list[dict[str, Any]], path: Path) -> None:
    """Issue 5's comparison: the loader against a raw COPY, per-row INSERT and DuckDB."""
    events = [run["events"] for run in runs]
    figure, axes = _axes("Sparkify staging load vs its baselines (embedded PostgreSQL)")
    for label, key, style, marker in (
        ("loader (both staging tables)", "loader_staging", "-", "o"),
        ("raw COPY text + ANALYZE", "raw_text_analyze_staging", "-", "s"),
        ("naive INSERT, autocommit (extrapolated)", "naive_staging", "--", "v"),
        ("naive INSERT, one transaction (extrapolated)", "naive_tx_staging", "--", "^"),
        ("DuckDB read_json", "duckdb_staging", "-", "D"),
    ):
        axes.plot(events, [r["summary"][key] for r in runs], style, marker=marker, label=label)
    _finish(figure, axes, runs, "loader_staging", path)


def _table(head: list[str], rows: list[tuple[str, list[str]]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    return lines + [f"| {label} | " + " | ".join(cells) + " |" for label, cells in rows]


def markdown(results: dict[str, Any]) -> str:
    """The run's tables in Markdown, to paste into BENCHMARKS.md without copying by hand."""
    runs, slopes = results["runs"], results["growth"]
    sizes = [run["size"] for run in runs]
    head = ["measure", *sizes]
    machine, lines = results["machine"], []
    lines.append(
        f"Measured {machine['date']} on {machine['cpus']} CPUs ({machine['cpu_model']}), "
        f"{machine['memory_gb']} GB, Python {machine['python']}; commit "
        f"{machine['git']['commit'][:10]} with {len(machine['git']['changed'])} files changed, "
        "code hash " + ", ".join(dict.fromkeys(run["code"]["sha256"] for run in runs)) + "."
    )
    if any(run.get("code_changed_during_run") for run in runs):
        lines.append(
            "**The project's code changed during this run: its parts measured different code.**"
        )
    lines += [
        "",
        "Issue 15's targets (the star build is round 1 of 5; DuckDB has the same rows):",
        "",
    ]
    lines += _table(["target", *sizes], targets(runs))
    if slopes:
        steps = [f"{a['size']}→{b['size']}" for a, b in itertools.pairwise(runs)]
        lines += ["", "Growth of the star build (log-log slope against events):", ""]
        lines += _table(["target", *steps], growth_targets(runs, slopes))
    lines += ["", "| size | events | log files | song files | runs | load average before/after |"]
    lines.append("|---|---:|---:|---:|---:|---|")
    for run in runs:
        before, after = run["load_average_before"][0], run["load_average_after"][0]
        lines.append(
            f"| {run['size']} | {run['events']:,} | {run['log_files']} | "
            f"{run['song_files']:,} | {run['repeats']} | {before:.1f} / {after:.1f} |"
        )
    lines += ["", "Seconds:", ""]
    lines += _table(
        head,
        [
            (label.strip(), [f"{run['summary'][key]:.2f}" for run in runs])
            for label, key in (*ROWS, *_job_rows(runs))
        ],
    )
    lines += ["", "Star rebuilds in a row on the same warehouse, seconds (all five tables):", ""]
    rounds = sorted(key for key in runs[0]["summary"] if key.startswith("star_round_"))
    lines += _table(
        head,
        [
            (f"round {key.removeprefix('star_round_')}", [f"{r['summary'][key]:.2f}" for r in runs])
            for key in rounds
        ]
        + [
            (
                f"round {len(rounds)} / round 1: {_label(name)}",
                [f"{r['summary'][f'ratio_rebuild_{name}']:.2f}" for r in runs],
            )
            for name in (*STAR, "total")
        ],
    )
    lines += ["", "Ratios (events / songs / both staging tables):", ""]
    lines += _table(
        head,
        [
            (
                f"{label}{f' ({target})' if target else ''}",
                [
                    " / ".join(f"{r['summary'][f'{key}_{part}']:.1f}" for part in _PARTS)
                    for r in runs
                ],
            )
            for label, key, target in RATIOS
        ],
    )
    lines += ["", "Throughput and memory:", ""]
    lines += _table(
        head,
        [
            (label, [format(run["summary"][key], unit) for run in runs])
            for label, key, unit in (
                ("loader event rows/s", "loader_rows_per_s", ",.0f"),
                ("loader song files/s", "loader_song_files_per_s", ",.0f"),
                ("DuckDB song files/s", "duckdb_song_files_per_s", ",.0f"),
                ("loader peak RSS, process tree, worst run (MB)", "peak_rss_mb_worst", ".0f"),
                ("loader peak RSS, upper bound, worst run (MB)", "sum_of_peaks_mb_worst", ".0f"),
                ("loader peak PSS, process tree, worst run (MB)", "peak_pss_mb_worst", ".0f"),
                ("loader RSS after imports, before loading (MB)", "idle_rss_mb", ".0f"),
                ("loader CPU in Python, events (s)", "loader_client_cpu_events", ".2f"),
                ("loader CPU in PostgreSQL, events (s)", "loader_server_cpu_events", ".2f"),
                ("loader CPU in Python, songs (s)", "loader_client_cpu_songs", ".2f"),
                ("loader CPU in PostgreSQL, songs (s)", "loader_server_cpu_songs", ".2f"),
                ("naive ms per event row, autocommit", "naive_ms_per_row", ".3f"),
                ("naive ms per event row, one transaction", "naive_tx_ms_per_row", ".3f"),
            )
        ],
    )
    if slopes:
        steps = [f"{a['size']}→{b['size']}" for a, b in itertools.pairwise(runs)]
        lines += ["", "Growth (log-log slope; 1 = linear):", ""]
        lines += _table(
            ["measure", *steps],
            [
                (label.strip(), [f"{v:.2f}" for v in slopes[key]])
                for label, key in (*ROWS, *_job_rows(runs))
                if key in slopes
            ],
        )
    lines += ["", "Server settings, as the server reported them:", ""]
    for run in runs:
        server = run["server"]
        shown = ", ".join(
            f"`{name}` {value}" for name, value in server.items() if name != "not_default"
        )
        lines.append(f"- {run['size']}: {shown}")
        if server.get("not_default"):
            changed = ", ".join(f"`{n}` {v}" for n, v in server["not_default"].items())
            lines.append(f"  - not at the built-in default: {changed}")
    return "\n".join(lines) + "\n"


def write_report(results: dict[str, Any], out: Path) -> list[Path]:
    """The Markdown and both charts beside `out` (the JSON); the paths written."""
    runs = results["runs"]
    written = [out.with_suffix(".md"), out.with_suffix(".png")]
    written.append(out.with_name(f"{out.stem}-baselines.png"))
    written[0].write_text(markdown(results), encoding="utf-8")
    chart_steps(runs, written[1])
    chart_baselines(runs, written[2])
    return written


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results/scale.json")
    for path in write_report(json.loads(source.read_text(encoding="utf-8")), source):
        print(path)
