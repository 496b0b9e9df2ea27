"""Benchmark: whole-process start-up time of the CLI (issue 9 §2 and 21 §1 targets).

Runs each command several times as a fresh process (``python -m zopa ...``, the commands
interleaved) and prints the median wall and CPU time against its target, beside two references
measured the same way: the bare interpreter (the floor nothing can beat) and importing every
library package eagerly (what ``zopa --help`` cost before the command modules imported lazily).

    python bench/bench_startup.py            # 7 runs each
    python bench/bench_startup.py --runs 15
    python bench/bench_startup.py --instructions   # + instructions executed (valgrind)

Targets (issue 21 §1): ``zopa --help`` within 0.1 s of the floor ``python -c pass``, ``zopa
analyze examples/logrolling.yaml`` within 0.25 s of it, measured in the same run. The machine's
load changes the figures: the verdict is given on wall time and, when wall misses only by
waiting for a CPU, on CPU time (user + system) over the floor's CPU time.

``--instructions`` also counts the instructions each command executes (one run under
valgrind's callgrind, about a minute in all): unlike times, the count does not change with the
machine's load, so figures from a busy machine compare with each other and with a quiet one.

zopa's own modules are byte-compiled first (``compileall``), as an installed package is: with
``PYTHONDONTWRITEBYTECODE`` set and stale ``.pyc`` files, every run would compile the sources
again (0.6 s of CPU for ``analyze``), which is not what a user waits for.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import resource
import shutil
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

# (name, arguments, target: seconds over the floor)
CASES: list[tuple[str, list[str], float | None]] = [
    ("python -c pass (floor)", ["-c", "pass"], None),
    ("eager import of the library (before)", ["-c", EAGER], None),
    ("zopa --help", ["-m", "zopa", "--help"], 0.1),
    ("zopa --version", ["-m", "zopa", "--version"], 0.1),
    ("zopa analyze -h", ["-m", "zopa", "analyze", "-h"], None),
    (
        "zopa analyze examples/logrolling.yaml",
        ["-m", "zopa", "analyze", "examples/logrolling.yaml"],
        0.25,
    ),
    (
        "zopa analyze examples/logrolling.yaml --json",
        ["-m", "zopa", "analyze", "examples/logrolling.yaml", "--json"],
        None,
    ),
]


def compile_zopa() -> None:
    """Byte-compile zopa's package, as an install does (see the module's docstring)."""
    import zopa

    compileall.compile_dir(Path(zopa.__file__).parent, quiet=1)


def run_once(args: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{args} failed ({proc.returncode}): {proc.stderr.decode()[-400:]}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def instructions(args: list[str]) -> float | None:
    """Millions of instructions one fresh process executes (valgrind's callgrind), or None
    without valgrind."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    proc = subprocess.run(
        [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", proc.stderr)
    return int(found.group(1)) / 1e6 if found else None


def measure(cases: list[list[str]], runs: int) -> list[tuple[float, float]]:
    """Median wall and CPU time of each case, the cases interleaved run by run so a change of
    the machine's load hits all of them alike."""
    got: list[list[tuple[float, float]]] = [[] for _ in cases]
    for _ in range(runs):
        for i, args in enumerate(cases):
            got[i].append(run_once(args))
    return [(statistics.median(w for w, _ in g), statistics.median(c for _, c in g)) for g in got]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--full", action="store_true", help="(run_all.py) 15 runs instead of 7")
    ap.add_argument(
        "--instructions", action="store_true", help="also count instructions (valgrind)"
    )
    a = ap.parse_args(argv)
    runs = 15 if a.full else a.runs
    compile_zopa()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"start-up, median of {runs} fresh processes ({sys.executable}); "
        f"load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"{'command':46} {'wall s':>7} {'CPU s':>7} {'+wall':>7} {'+CPU':>7} {'target':>7}  verdict"
    )
    results = measure([args for _, args, _ in CASES], runs)
    floor = results[0]
    missed = 0
    for (name, _, target), (wall, cpu) in zip(CASES, results, strict=True):
        over_wall, over_cpu = wall - floor[0], cpu - floor[1]
        verdict = ""
        if target is not None:
            verdict = (
                "ok"
                if over_wall <= target
                else ("ok on CPU" if over_cpu <= target else "OVER TARGET")
            )
        missed += verdict == "OVER TARGET"
        shown = "-" if target is None else f"+{target:.2f}"
        print(
            f"{name:46} {wall:7.3f} {cpu:7.3f} {over_wall:+7.3f} {over_cpu:+7.3f} {shown:>7}  "
            f"{verdict}"
        )
    print(
        "+wall/+CPU: over the floor `python -c pass` of the same run. Wall time is what a user "
        "waits; on a loaded machine it includes waiting for a CPU, so the CPU column is the "
        "load-independent figure (verdict 'ok on CPU': over the target only by waiting)"
    )
    if missed:
        print(f"{missed} command(s) over target")
    if a.instructions:
        _print_instructions()
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


def _print_instructions() -> None:
    counts = [instructions(args) for _, args, _ in CASES]
    if counts[0] is None:
        print("instructions: valgrind is not installed (apt-get install valgrind)")
        return
    print("instructions executed (millions; one run each under callgrind, load-independent)")
    for (name, _, _), n in zip(CASES, counts, strict=True):
        if n is not None and counts[0] is not None:
            print(f"{name:46} {n:8,.0f} M  +{n - counts[0]:,.0f} M over the floor")


if __name__ == "__main__":
    raise SystemExit(main())
