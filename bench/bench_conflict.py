"""Benchmark: GMCR stability (Nash, GMR, SMR, SEQ for every DM and state) from 2^10 to 2^20
states, each size a fresh process (time and peak resident memory), beside gmcr-py.

Part (a): random conflicts with two DMs written as gmcr-py save files (``.gmcr``, a manual
preference ranking), read by zopa through ``zopa.conflict.load_conflict`` and by gmcr-py
through its own ``ConflictModel.load_from_file``, solved by zopa's ``analyze`` and by
gmcr-py's ``LogicalSolver.findEquilibria`` (which also computes SIM and SEQ+SIM), the
equilibria compared concept by concept. With two DMs gmcr-py's sanction search ("each
opponent at most once") and the textbook legal sequences coincide, so answers must agree.
gmcr-py is not a dependency: pass a checkout (``--gmcr-py DIR``, github.com/onp/gmcr-py) or it
is skipped. Part (b): three DMs (the multi-DM definitions), the conflict built in the process (three
rankings of 2^20 states are over the 20 MiB file limit), zopa's engines side by side (the cube
engine chosen by ``auto``, and the move-table engine it replaced, up to 2^16).

    python bench/bench_conflict.py                       # 2^10 .. 2^20
    python bench/bench_conflict.py --gmcr-py ~/gmcr-py   # with gmcr-py beside zopa
    python bench/bench_conflict.py --max-bits 16
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CONCEPTS = ("nash", "gmr", "smr", "seq")
GMCR_ROWS = {"nash": 0, "gmr": 1, "seq": 2, "smr": 5}  # rows of LogicalSolver.allEquilibria


def random_conflict(n_options: int, n_dms: int = 3, seed: int = 0):  # type: ignore[no-untyped-def]
    """Options split evenly in DM order, all reversible, all states feasible, random payoffs
    (near-strict rankings)."""
    from zopa.conflict import Conflict, ConflictOption, DecisionMaker

    rng = np.random.default_rng(seed)
    sizes = [n_options // n_dms + (i < n_options % n_dms) for i in range(n_dms)]
    options = tuple(ConflictOption(f"o{j}") for j in range(n_options))
    dms, j = [], 0
    for i, size in enumerate(sizes):
        dms.append(DecisionMaker(f"d{i}", tuple(f"o{x}" for x in range(j, j + size))))
        j += size
    codes = np.arange(1 << n_options, dtype=np.int64)
    payoffs = rng.integers(1, 1 << n_options, size=(n_dms, codes.size)).astype(np.int64)
    return Conflict("bench", options, tuple(dms), codes, payoffs)


def write_gmcr(conflict, path: Path) -> None:  # type: ignore[no-untyped-def]
    """A gmcr-py save file with a manual ranking (ties as sub-lists, 1-based state ids)."""
    options = [{"name": o.id, "permittedDirection": "both"} for o in conflict.options]
    dms = []
    for i, dm in enumerate(conflict.decision_makers):
        pay = conflict.payoffs[i]
        order = np.argsort(-pay, kind="stable")
        cuts = np.flatnonzero(np.diff(pay[order])) + 1
        ranking: list[int | list[int]] = []
        for tier in np.split(order + 1, cuts):
            ids = tier.tolist()
            ranking.append(ids[0] if len(ids) == 1 else ids)
        dms.append(
            {
                "name": dm.id,
                "options": [conflict.option_index(o) for o in dm.options],
                "preferences": [],
                "preferenceRanking": ranking,
            }
        )
    doc = {"options": options, "decisionMakers": dms, "infeasibles": []}
    doc["useManualPreferenceRanking"] = True
    path.write_text(json.dumps(doc))


ZOPA_CHILD = """
import json, sys, time
from zopa.conflict import analyze, load_conflict
t0 = time.perf_counter()
if sys.argv[1].startswith("random:"):  # over 20 MiB as a file: built in the process
    sys.path.insert(0, "bench")
    from bench_conflict import random_conflict
    _, bits, dms = sys.argv[1].split(":")
    c = random_conflict(int(bits), n_dms=int(dms), seed=int(bits))
else:
    c = load_conflict(sys.argv[1])
t1 = time.perf_counter()
r = analyze(c, engine=sys.argv[2])
t2 = time.perf_counter()
eq = {k: list(r.equilibria(k)) for k in ("nash", "gmr", "smr", "seq")}
print(json.dumps({"read": t1 - t0, "solve": t2 - t1, "eq": eq}))
"""

GMCR_CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[2])
import numpy as np
import data_01_conflictModel as model, data_02_conflictSolvers as solvers
t0 = time.perf_counter()
c = model.ConflictModel()
c.load_from_file(sys.argv[1])
t1 = time.perf_counter()
s = solvers.LogicalSolver(c)
s.findEquilibria()
t2 = time.perf_counter()
rows = {"nash": 0, "gmr": 1, "seq": 2, "smr": 5}
eq = {k: (np.flatnonzero(s.allEquilibria[r]) + 1).tolist() for k, r in rows.items()}
print(json.dumps({"read": t1 - t0, "solve": t2 - t1, "eq": eq}))
"""


def _write_apart(bits: int, path: Path) -> None:
    """Write the file in another process: a fork of a parent that grew to hundreds of MB
    would start every measured child with that resident size (``ru_maxrss``)."""
    code = (
        "import sys; sys.path.insert(0, 'bench'); from pathlib import Path; "
        "from bench_conflict import random_conflict, write_gmcr; "
        f"write_gmcr(random_conflict({bits}, n_dms=2, seed={bits}), Path({str(path)!r}))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def run_measured(code: str, args: list[str], timeout: float) -> tuple[dict | None, float, float]:
    """Run ``python -c code args`` as a fresh process: (its JSON, wall s, peak resident MB
    from ``wait4``); None when it failed or was stopped at ``timeout``."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args], cwd=ROOT, stdout=out, stderr=err
        )
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                return None, time.perf_counter() - t0, float("nan")
            time.sleep(0.02)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.stderr.write(err.read()[-600:])
            return None, wall, usage.ru_maxrss / 1024
        return json.loads(out.read().strip().splitlines()[-1]), wall, usage.ru_maxrss / 1024


def _fmt(x: float, spec: str = ".2f") -> str:
    return "-" if x != x else format(x, spec)


def part_a(
    bits_list: list[int], gmcr_dir: Path | None, gmcr_max: int, timeout: float, tmp: Path
) -> None:
    print("\n(a) two DMs, a .gmcr file read and solved by each tool (fresh process per run)")
    print(
        f"{'states':>9} {'zopa s':>7} {'zopa MB':>8} {'gmcr-py s':>10} {'gmcr-py MB':>11} "
        f"{'ratio':>7}  same equilibria"
    )
    for bits in bits_list:
        path = tmp / f"random-{bits}.gmcr"
        _write_apart(bits, path)
        z, z_wall, z_mb = run_measured(ZOPA_CHILD, [str(path), "auto"], timeout)
        line = f"{1 << bits:>9,} {_fmt(z_wall):>7} {_fmt(z_mb, '.0f'):>8}"
        if gmcr_dir is None or bits > gmcr_max:
            print(line + f" {'-':>10} {'-':>11} {'-':>7}  -", flush=True)
            continue
        g, g_wall, g_mb = run_measured(GMCR_CHILD, [str(path), str(gmcr_dir)], timeout)
        if g is None:
            print(
                line + f" {'>' + format(timeout, '.0f'):>10} {_fmt(g_mb, '.0f'):>11} "
                f"{'>' + format(timeout / z_wall, '.0f') + 'x':>7}  (gmcr-py stopped or failed)",
                flush=True,
            )
            continue
        same = z is not None and all(z["eq"][k] == g["eq"][k] for k in CONCEPTS)
        print(
            line + f" {g_wall:>10.2f} {g_mb:>11.0f} {g_wall / z_wall:>6.0f}x  "
            f"{'yes' if same else 'NO'}",
            flush=True,
        )


def part_b(bits_list: list[int], table_max: int, timeout: float, tmp: Path) -> None:
    print("\n(b) three DMs, zopa's cube engine (auto) and the move-table engine it replaced")
    print(
        f"{'states':>9} {'options':>7} {'cube s':>7} {'cube MB':>8} {'table s':>8} "
        f"{'table MB':>9} {'ratio':>6}  same"
    )
    for bits in bits_list:
        path = f"random:{bits}:3"  # three rankings of 2^20 states exceed the 20 MiB file limit
        z, z_wall, z_mb = run_measured(ZOPA_CHILD, [path, "auto"], timeout)
        line = f"{1 << bits:>9,} {bits:>7} {_fmt(z_wall):>7} {_fmt(z_mb, '.0f'):>8}"
        if bits > table_max:
            print(line + f" {'-':>8} {'-':>9} {'-':>6}  -", flush=True)
            continue
        t, t_wall, t_mb = run_measured(ZOPA_CHILD, [path, "table"], timeout)
        same = z is not None and t is not None and z["eq"] == t["eq"]
        ratio = f"{t_wall / z_wall:.1f}x" if t is not None else "-"
        print(
            line + f" {_fmt(t_wall):>8} {_fmt(t_mb, '.0f'):>9} {ratio:>6}  "
            f"{'yes' if same else 'NO'}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-bits", type=int, default=20)
    ap.add_argument("--gmcr-py", type=Path, default=None, help="a checkout of gmcr-py")
    ap.add_argument("--table-max-bits", type=int, default=16)
    ap.add_argument(
        "--gmcr-max-bits", type=int, default=12, help="gmcr-py keeps n x n int matrices per DM"
    )
    ap.add_argument("--timeout", type=float, default=300.0, help="per process, seconds")
    ap.add_argument("--full", action="store_true", help="(run_all.py) the default sizes")
    a = ap.parse_args(argv)
    gmcr = a.gmcr_py or (Path(os.environ["GMCR_PY"]) if os.environ.get("GMCR_PY") else None)
    if gmcr is not None and not (gmcr / "data_02_conflictSolvers.py").is_file():
        raise SystemExit(f"{gmcr}: not a gmcr-py checkout (no data_02_conflictSolvers.py)")
    load = os.getloadavg()[0]
    print(
        f"GMCR stability, all four concepts for every DM and state; load average {load:.1f} "
        f"on {os.cpu_count()} CPUs; times are whole processes (start-up, reading, solving)"
    )
    if gmcr is None:
        print("gmcr-py: not given (--gmcr-py DIR or GMCR_PY=DIR, a checkout of onp/gmcr-py)")
    bits_list = [b for b in (10, 12, 14, 16, 18, 20) if b <= a.max_bits]
    # a 2^20-state .gmcr holds 2 million ranked ids: over the reader's 2e6-value limit
    file_bits = [b for b in (8, *bits_list) if b <= min(a.max_bits, 18)]
    with tempfile.TemporaryDirectory() as tmp:
        part_a(
            file_bits,
            gmcr,
            a.gmcr_max_bits,
            a.timeout,
            Path(tmp),
        )
        part_b(bits_list, a.table_max_bits, a.timeout, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
