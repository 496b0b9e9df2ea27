"""Benchmark: what a user waits for, as whole processes: ``zopa analyze FILE --json`` against a
NegMAS script (load the same preferences as a GENIUS folder, ``pareto_frontier`` +
``nash_points``, print them), beside the floor ``python -c pass``, in one run.

Random additive scenarios with 6 issues x 10 options (1e6 packages), 2 and 3 parties,
reservation 0, written once as zopa YAML and as GENIUS XML (zopa's one writer). Each command
runs ``--runs`` times as a fresh process, interleaved so the machine's load hits all alike;
the medians of wall and CPU time (user + system of the child) are printed with the ratio
NegMAS / zopa, and the answers compared: the same frontier (distinct utility vectors within
1e-7) and the same Nash point.

    python bench/bench_process.py            # 5 runs each
    python bench/bench_process.py --runs 9
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import close, random_scenario
from bench_startup import compile_zopa

ROOT = Path(__file__).resolve().parents[1]
LIMIT = ["--frontier-limit", "1000000"]  # list the whole frontier, as NegMAS does

NEGMAS_SCRIPT = """
import json, sys, warnings
from pathlib import Path
from negmas.inout import Scenario
from negmas.preferences import nash_points, pareto_frontier
warnings.simplefilter("ignore")
sc = Scenario.from_genius_folder(sys.argv[1], ignore_discount=True)
order = [Path(str(u.name)).stem for u in sc.ufuns]
front, _ = pareto_frontier(sc.ufuns, issues=sc.outcome_space.issues)
nash = nash_points(sc.ufuns, front, outcome_space=sc.outcome_space)
print(json.dumps({"order": order, "frontier": [list(map(float, p)) for p in front],
                  "nash": list(map(float, nash[0][0])) if nash else None}))
"""


def run(cmd: list[str]) -> tuple[float, float, str]:
    """(wall s, CPU s of the child, stdout) of one fresh process."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(cmd[:4])} ... failed")
        out.seek(0)
        return wall, usage.ru_utime + usage.ru_stime, out.read()


def zopa_answer(text: str, parties: list[str]) -> tuple[set[tuple[float, ...]], tuple[float, ...]]:
    doc = json.loads(text)
    front = {
        tuple(round(float(p["utilities"][q]), 9) for q in parties)
        for p in doc["frontier"]["packages"]
    }
    nash = doc["solutions"]["nash"]
    return front, tuple(round(float(nash["utilities"][q]), 9) for q in parties)


def negmas_answer(
    text: str, parties: list[str]
) -> tuple[set[tuple[float, ...]], tuple[float, ...]]:
    doc = json.loads(text)
    perm = [doc["order"].index(p) for p in parties]
    front = {tuple(round(pt[j], 9) for j in perm) for pt in doc["frontier"]}
    return front, tuple(round(doc["nash"][j], 9) for j in perm)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--full", action="store_true", help="(run_all.py) 9 runs")
    a = ap.parse_args(argv)
    runs = 9 if a.full else a.runs
    try:
        import negmas  # noqa: F401
    except ImportError:
        print("NegMAS is not installed: pip install -c constraints-bench.txt -e '.[bench]'")
        return 0
    from zopa.io import write_genius
    from zopa.io.writer import write_scenario

    compile_zopa()  # as installed: no run compiles zopa's sources (bench_startup.py says why)
    load = os.getloadavg()[0]
    print(
        f"whole processes, median of {runs} interleaved runs; load average {load:.1f} on "
        f"{os.cpu_count()} CPUs ({sys.executable})"
    )
    print(
        f"{'case':28} {'floor s':>8} {'zopa s':>7} {'zopa CPU':>8} {'NegMAS s':>9} "
        f"{'NegMAS CPU':>10} {'ratio':>6} {'CPU ratio':>9}  frontier  Nash"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n_parties in (2, 3):
            s = random_scenario(6, 10, n_parties, seed=n_parties)
            yaml_path = Path(tmp) / f"random-{n_parties}.yaml"
            write_scenario(s, yaml_path)
            folder = Path(tmp) / f"genius-{n_parties}"
            write_genius(s, folder)
            cmds = {
                "floor": [sys.executable, "-c", "pass"],
                "zopa": [sys.executable, "-m", "zopa", "analyze", str(yaml_path), "--json", *LIMIT],
                "negmas": [sys.executable, "-c", NEGMAS_SCRIPT, str(folder)],
            }
            times: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
            outs: dict[str, str] = {}
            for _ in range(runs):
                for name, cmd in cmds.items():
                    wall, cpu, out = run(cmd)
                    times[name].append((wall, cpu))
                    outs[name] = out
            med = {
                k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
                for k, v in times.items()
            }
            parties = [p.id for p in s.with_preferences]
            zf, zn = zopa_answer(outs["zopa"], parties)
            nf, nn = negmas_answer(outs["negmas"], parties)
            same_front = close(zf, nf)
            same_nash = max(abs(x - y) for x, y in zip(zn, nn, strict=True)) <= 1e-7
            print(
                f"{f'{n_parties} parties, 1e6 packages':28} {med['floor'][0]:>8.3f} "
                f"{med['zopa'][0]:>7.3f} {med['zopa'][1]:>8.3f} {med['negmas'][0]:>9.2f} "
                f"{med['negmas'][1]:>10.2f} {med['negmas'][0] / med['zopa'][0]:>5.1f}x "
                f"{med['negmas'][1] / med['zopa'][1]:>8.1f}x  "
                f"{'same' if same_front else 'DIFF':8}  {'same' if same_nash else 'DIFF'}",
                flush=True,
            )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
