"""Benchmark: whole-process start-up time of the CLI (issue 9 §2 targets).

Runs each command several times as a fresh process (``python -m zopa ...``) and prints the
median wall time against its target, beside two references measured the same way: the bare
interpreter (the floor nothing can beat) and importing every library package eagerly (what
``zopa --help`` cost before the command modules imported lazily).

    python bench/bench_startup.py            # 7 runs each
    python bench/bench_startup.py --runs 15

Targets: ``zopa --help`` < 0.3 s, ``zopa analyze examples/logrolling.yaml`` < 0.6 s. The machine's
load changes the figures; compare a command with the floor measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EAGER = (
    "import zopa.analysis, zopa.io, zopa.negotiate, zopa.negotiate.tournament, zopa.forecast, "
    "zopa.conflict, zopa.report.tables, rich.console"
)

CASES: list[tuple[str, list[str], float | None]] = [
    ("python -c pass (floor)", ["-c", "pass"], None),
    ("eager import of the library", ["-c", EAGER], None),
    ("zopa --help", ["-m", "zopa", "--help"], 0.3),
    ("zopa --version", ["-m", "zopa", "--version"], 0.3),
    (
        "zopa analyze examples/logrolling.yaml",
        ["-m", "zopa", "analyze", "examples/logrolling.yaml"],
        0.6,
    ),
]


def measure(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise SystemExit(f"{args} failed ({proc.returncode}): {proc.stderr.decode()[-400:]}")
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--full", action="store_true", help="(run_all.py) 15 runs instead of 7")
    a = ap.parse_args(argv)
    runs = 15 if a.full else a.runs
    print(f"start-up, median of {runs} fresh processes ({sys.executable})")
    print(f"{'command':42} {'median s':>9} {'target s':>9} {'vs floor':>9}  verdict")
    floor = None
    missed = 0
    for name, args, target in CASES:
        t = measure(args, runs)
        floor = t if floor is None else floor
        verdict = "" if target is None else ("ok" if t < target else "OVER TARGET")
        missed += verdict == "OVER TARGET"
        shown = "-" if target is None else f"{target:.2f}"
        print(f"{name:42} {t:9.3f} {shown:>9} {t / floor:8.1f}x  {verdict}")
    if missed:
        print(f"{missed} command(s) over target (a loaded machine inflates every row; see floor)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
