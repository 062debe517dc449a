"""Soak: many consecutive runs with faults injected at random, then the truth.

Each round runs the whole pipeline (`sparkify run`, a process of its own, as a user or cron would
start it) on one generated dataset, after injecting one fault drawn at random:
  none       a plain run
  bad-lines  a few broken records appended to a random day's file (they must be rejected, named
             in load_errors, and change nothing else)
  kill       the run's process is SIGKILLed at a random moment (its COPY workers must then end
             by themselves)
  twice      two runs start at the same moment on the same warehouse
  rewrite    while the run reads, day files are rewritten in place, piece by piece (the same
             bytes in the end): the run must fail naming a file that changed while it was read,
             or load a consistent version of every file; never a torn prefix
  s3-cut     the run reads its files from S3 (moto's server on 127.0.0.1) through a proxy that
             cuts one download in 50 short: every cut read must be retried and the load whole
Every run that is not killed or rewritten must succeed (two at once included); after each, the
warehouse must equal the generator's ground truth (a failed run must leave it as it was), and
load_errors must name exactly the injected records (file and line); no COPY worker may outlive
its run. After the last round one plain run must bring the warehouse there whatever happened
before.

    uv run python bench/soak.py --rounds 50 --seed 1
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import IO

from faulty_s3 import FAKE_CREDENTIALS, FaultyS3, faulty_s3

from sparkify_assets.sample.generate import GroundTruth, generate
from sparkify_assets.sample.truth import analytics_differences, differences
from sparkify_assets.warehouse.embedded import stop_embedded_postgres
from sparkify_assets.warehouse.resource import WarehouseResource

FAULTS = ("none", "bad-lines", "kill", "twice", "rewrite", "s3-cut")
WEIGHTS = (3, 2, 3, 2, 2, 2)
S3_CUT_PROBABILITY = 0.02
S3_BUCKET, S3_ROOT = "sparkify-soak", "raw"
BAD_LINES = (  # each is one rejected record
    b'{"artist": "Broken", "auth": "Logg',
    b"42",
    b'{"page": "NextSong", "sessionId": "not a number", "ts": 1541105830796}',
    b'{"artist": "Bj\xf6rk"}',
)
START = date(2018, 11, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--songs", type=int, default=3000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("bench/results/soak.json"))
    parser.add_argument(
        "--faults", default=",".join(FAULTS), help="the faults to draw from, comma-separated"
    )
    args = parser.parse_args()
    drawn = [(f, w) for f, w in zip(FAULTS, WEIGHTS, strict=True) if f in args.faults.split(",")]
    rng = random.Random(args.seed)

    with (
        tempfile.TemporaryDirectory(prefix="sparkify-soak-") as work,
        faulty_s3(S3_CUT_PROBABILITY, args.seed) as s3,
    ):
        home, data = Path(work) / "home", Path(work) / "data"
        truth = generate(data, users=args.users, songs=args.songs, days=args.days, seed=args.seed)
        s3.client().create_bucket(Bucket=S3_BUCKET)
        s3.upload_tree(data, S3_BUCKET, S3_ROOT)
        environ = {
            **os.environ,
            "SPARKIFY_HOME": str(home),
            "SPARKIFY_SOURCE": str(data),
            "SPARKIFY_FIRST_DAY": START.isoformat(),
            "SPARKIFY_LAST_DAY": (START + timedelta(days=args.days - 1)).isoformat(),
            "SPARKIFY_MAXERROR": "100000",
        }
        from_s3 = {
            **environ,
            **FAKE_CREDENTIALS,
            "SPARKIFY_SOURCE": f"s3://{S3_BUCKET}/{S3_ROOT}",
            "SPARKIFY_S3_ENDPOINT_URL": s3.endpoint_url,
        }
        warehouse = WarehouseResource(home=str(home))
        print(f"{truth.events:,} events, {truth.song_files:,} songs; {args.rounds} rounds")
        injected: set[tuple[str, int]] = set()  # (file, line) of every bad record
        run_seconds = 6.0  # a plain run's duration, measured again by each plain round
        rounds = []
        try:
            # The warehouse every round starts from, and a round that fails must leave.
            if _run_round("none", environ, rng, run_seconds) != [0]:
                raise SystemExit("the first plain run failed: nothing to soak")
            for number in range(1, args.rounds + 1):
                fault = rng.choices(*zip(*drawn, strict=True))[0]
                if fault == "bad-lines":
                    injected |= _inject_bad_lines(data, rng, s3)
                cuts_before = s3.proxy.cuts
                started = time.monotonic()
                if fault == "rewrite":
                    codes, problems = _rewrite_round(environ, data, rng, Path(work))
                else:
                    codes = _run_round(
                        fault, from_s3 if fault == "s3-cut" else environ, rng, run_seconds
                    )
                    problems = []
                seconds = time.monotonic() - started
                if fault == "none":
                    run_seconds = seconds
                checked = fault != "kill" or codes == [0]  # a kill can come too late
                if checked and fault != "rewrite" and set(codes) != {0}:
                    problems.append(f"a run failed: exit {codes}")
                if fault == "s3-cut" and s3.proxy.cuts == cuts_before:
                    problems.append("the proxy cut no download short: the fault did not happen")
                if checked:
                    problems += _problems(warehouse, truth, injected)
                problems += _stray_workers(home)
                rounds.append(
                    {"round": number, "fault": fault, "exit_codes": codes,
                     "seconds": round(seconds, 2), "checked": checked, "problems": problems,
                     "s3_reads_cut": s3.proxy.cuts - cuts_before}
                )  # fmt: skip
                verdict = "matches the truth" if checked and not problems else "not checked"
                if problems:
                    verdict = "DIFFERS: " + "; ".join(problems)
                print(f"round {number:>3} {fault:<9} exit {codes} {seconds:5.1f} s  {verdict}")
            codes = _run_round("none", environ, rng, run_seconds)
            final = _problems(warehouse, truth, injected)
        finally:
            stop_embedded_postgres(home)
    summary = {
        "rounds": len(rounds),
        "faults": Counter(r["fault"] for r in rounds),
        "checked_rounds": sum(r["checked"] for r in rounds),
        "rounds_with_problems": sum(bool(r["problems"]) for r in rounds),
        "injected_bad_records": len(injected),
        "rewrite_rounds_failed_naming_a_changed_file": sum(
            r["fault"] == "rewrite" and r["exit_codes"] != [0] for r in rounds
        ),
        "s3_reads_cut": sum(r["s3_reads_cut"] for r in rounds),
        "final_run_exit": codes,
        "final_problems": final,
        "seconds": round(sum(r["seconds"] for r in rounds), 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "rounds": rounds}, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    return 0 if not final and not summary["rounds_with_problems"] and codes == [0] else 1


def _stray_workers(home: Path) -> list[str]:
    """COPY workers of this soak's runs still alive (they must end when their run dies)."""
    marker = f"SPARKIFY_HOME={home}".encode()
    deadline = time.monotonic() + 5
    while True:
        found = []
        for pid in subprocess.run(
            ["pgrep", "-f", "sparkify_assets.copyjson.worker"], capture_output=True, text=True
        ).stdout.split():
            try:
                if marker in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
                    found.append(pid)
            except OSError:
                continue  # it ended meanwhile
        if not found or time.monotonic() > deadline:
            return [f"COPY workers still running: {found}"] if found else []
        time.sleep(0.2)


def _inject_bad_lines(data: Path, rng: random.Random, s3: FaultyS3) -> set[tuple[str, int]]:
    """Append bad records to a random day's file, here and in S3; their (file, line)."""
    day_file = rng.choice(sorted((data / "log_data").rglob("*.json")))
    lines = rng.sample(BAD_LINES, k=rng.randint(1, len(BAD_LINES)))
    existing = day_file.read_bytes().count(b"\n") + 1  # the last line has no line break
    with day_file.open("ab") as handle:
        handle.write(b"\n" + b"\n".join(lines))
    key = day_file.relative_to(data).as_posix()
    s3.upload_file(s3.client(), day_file, S3_BUCKET, f"{S3_ROOT}/{key}")
    return {(key, existing + offset) for offset in range(1, len(lines) + 1)}


def _start(environ: dict[str, str], stderr: IO[bytes] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sparkify_assets.cli", "run"],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=stderr or subprocess.DEVNULL,
        start_new_session=True,  # as cron starts it: nothing but the kill reaches it
    )


def _run_round(
    fault: str, environ: dict[str, str], rng: random.Random, run_seconds: float
) -> list[int]:
    if fault == "kill":
        run = _start(environ)
        time.sleep(rng.uniform(0.5, 0.8 * run_seconds))  # somewhere inside the run
        if run.poll() is None:
            os.kill(run.pid, signal.SIGKILL)
        return [run.wait()]
    runs = [_start(environ) for _ in range(2 if fault == "twice" else 1)]
    return [run.wait() for run in runs]


def _rewrite_round(
    environ: dict[str, str], data: Path, rng: random.Random, work: Path
) -> tuple[list[int], list[str]]:
    """One run while day files are rewritten in place, piece by piece, until it ends. The bytes
    end as they were, so a run that succeeds must equal the truth; one that fails must say
    which file changed while it was read."""
    files = sorted((data / "log_data").rglob("*.json"))
    log = work / "rewrite-round.stderr"
    with log.open("wb") as stderr:
        run = _start(environ, stderr)
        time.sleep(rng.uniform(0.0, 2.0))
        rewritten: set[str] = set()
        while run.poll() is None:
            day_file = rng.choice(files)
            _rewrite_in_place(day_file, run)
            rewritten.add(day_file.relative_to(data).as_posix())
        code = run.wait()
    if code == 0:
        return [code], []
    said = log.read_text(errors="replace")
    named = [key for key in rewritten if key in said]
    if "changed while it was read" in said and named:
        return [code], []
    last = said.strip().splitlines()[-3:]
    return [code], [f"the run failed without naming a rewritten file as changed: {last}"]


def _rewrite_in_place(day_file: Path, run: subprocess.Popen[bytes]) -> None:
    """Truncate the file and write its bytes back in pieces, pausing between them."""
    content = day_file.read_bytes()
    piece = max(1, len(content) // 8)
    with day_file.open("r+b") as handle:
        handle.truncate(0)
        for start in range(0, len(content), piece):
            handle.write(content[start : start + piece])
            handle.flush()
            time.sleep(0.01)


def _problems(
    warehouse: WarehouseResource, truth: GroundTruth, injected: set[tuple[str, int]]
) -> list[str]:
    with warehouse.session() as session:
        found = differences(session, truth) + analytics_differences(session, truth)
        last = session.fetch_one("checks/last_load", {"tbl_name": "staging_events"})
        session.cursor.execute(
            "SELECT filename, line_number FROM load_errors WHERE load_id = %s", (last[0],)
        )
        rejected = set(session.cursor.fetchall())  # keys under the source, as injected
    if rejected != injected:
        found.append(
            f"load_errors names {len(rejected)} records, {len(injected)} were injected: "
            f"{sorted(rejected ^ injected)[:3]} differ"
        )
    return found


if __name__ == "__main__":
    sys.exit(main())
