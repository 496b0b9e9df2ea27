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
import os
import resource
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
    ("eager import of the library (before)", ["-c", EAGER], None),
    ("zopa --help", ["-m", "zopa", "--help"], 0.3),
    ("zopa --version", ["-m", "zopa", "--version"], 0.3),
    (
        "zopa analyze examples/logrolling.yaml",
        ["-m", "zopa", "analyze", "examples/logrolling.yaml"],
        0.6,
    ),
]


def measure(args: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of ``runs`` fresh processes."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, check=False)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode != 0:
            raise SystemExit(f"{args} failed ({proc.returncode}): {proc.stderr.decode()[-400:]}")
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--full", action="store_true", help="(run_all.py) 15 runs instead of 7")
    a = ap.parse_args(argv)
    runs = 15 if a.full else a.runs
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"start-up, median of {runs} fresh processes ({sys.executable}); "
        f"load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"{'command':40} {'wall s':>7} {'CPU s':>7} {'target':>7} {'wall/floor':>10}  verdict")
    floor = None
    missed = 0
    for name, args, target in CASES:
        wall, cpu = measure(args, runs)
        floor = wall if floor is None else floor
        verdict = ""
        if target is not None:
            verdict = "ok" if wall < target else ("ok on CPU" if cpu < target else "OVER TARGET")
        missed += verdict == "OVER TARGET"
        shown = "-" if target is None else f"{target:.2f}"
        print(f"{name:40} {wall:7.3f} {cpu:7.3f} {shown:>7} {wall / floor:9.1f}x  {verdict}")
    print(
        "wall time is what a user waits; on a loaded machine it includes waiting for a CPU, so "
        "the CPU column is the load-independent figure (verdict 'ok on CPU': over the target "
        "only by waiting)"
    )
    if missed:
        print(f"{missed} command(s) over target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
