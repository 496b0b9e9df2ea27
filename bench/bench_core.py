"""Issue 2 benchmark: zopa's analysis against NegMAS on random additive scenarios.

Run: ``python bench/bench_core.py [--full]`` from the repository root. Two and three parties,
1e4 to 1e7 outcomes (10 options per issue), reservation 0; for each size the time of
``zopa.analyze`` (engine auto) and of NegMAS's ``pareto_frontier`` + ``nash_points`` on the same
preferences (written as GENIUS XML and loaded with ``negmas.inout.Scenario.from_genius_folder``),
their ratio, and whether the frontiers (distinct utility vectors, 1e-7) and Nash points agree.
Quick mode (default) runs NegMAS up to 1e6 outcomes for 2 parties and 1e5 for 3 and shows the
times measured once with ``--full`` (:data:`MEASURED`) beyond; ``--full`` runs it at every size.
The helpers here are shared with bench_scale.py.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from zopa.analysis.analyze import analyze
from zopa.io import write_genius
from zopa.model import build_scenario
from zopa.model.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
ANAC = ROOT.parent / "shared" / "data" / "anac"


def random_scenario(
    n_issues: int,
    n_options: int,
    n_parties: int,
    *,
    seed: int = 0,
    reservation: float = 0.0,
    red_lines: bool = False,
) -> Scenario:
    """Random additive preferences; each issue's best option has value 1 (as in GENIUS)."""
    rng = np.random.default_rng(seed)
    issues = [
        {"id": f"i{k}", "options": [f"o{j}" for j in range(n_options)]} for k in range(n_issues)
    ]
    parties = []
    for p in range(n_parties):
        values = {}
        for k in range(n_issues):
            v = rng.random(n_options)
            v = v / v.max()
            values[f"i{k}"] = {f"o{j}": float(x) for j, x in enumerate(v)}
        prefs: dict[str, Any] = {
            "weights": {f"i{k}": float(rng.random()) for k in range(n_issues)},
            "values": values,
            "reservation": reservation,
        }
        if red_lines and p == 0:
            prefs["red_lines"] = ["not (i0 == o0 and i1 == o0)", f"i2 != o{n_options - 1}"]
        if red_lines and p == 1:
            prefs["red_lines"] = ["i3 == o1 -> i4 != o1"]
        parties.append({"id": f"p{p}", "preferences": prefs})
    data: dict[str, Any] = {"title": "random", "issues": issues, "parties": parties}
    if red_lines:
        data["constraints"] = ["i5 == o0 -> i6 != o0"]
    return build_scenario(data)


def zopa_run(s: Scenario, engine: str = "auto") -> dict[str, Any]:
    t = time.perf_counter()
    a = analyze(s, engine=engine, frontier_limit=10**9)  # type: ignore[arg-type]
    dt = time.perf_counter() - t
    parties = list(a.parties)
    front = {tuple(round(p.utilities[q], 9) for q in parties) for p in a.frontier.points}
    nash = a.solutions["nash"]
    return {
        "time": dt,
        "engine": a.engine,
        "frontier": front,
        "frontier_size": a.frontier.size,
        "nash": tuple(round(nash.utilities[q], 9) for q in parties) if nash else None,
        "solutions": {k: v is not None for k, v in a.solutions.items()},
        "zone": a.zone.to_dict(),
    }


def negmas_run(s: Scenario) -> dict[str, Any]:
    """NegMAS's pareto_frontier and nash_points on the same preferences (via GENIUS XML)."""
    from negmas.inout import Scenario as NScenario
    from negmas.preferences import nash_points, pareto_frontier

    with tempfile.TemporaryDirectory() as tmp:
        write_genius(s, tmp)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sc = NScenario.from_genius_folder(tmp, ignore_discount=True)
            assert sc is not None
            order = [Path(str(u.name)).stem for u in sc.ufuns]
            t = time.perf_counter()
            fr, _ = pareto_frontier(sc.ufuns, issues=sc.outcome_space.issues)
            nash = nash_points(sc.ufuns, fr, outcome_space=sc.outcome_space)
            dt = time.perf_counter() - t
    ids = [p.id for p in s.with_preferences]
    perm = [order.index(i) if i in order else k for k, i in enumerate(ids)]
    res = [float(p.preferences.reservation) for p in s.with_preferences if p.preferences]
    front = {
        tuple(round(float(pt[j]), 9) for j in perm)
        for pt in fr
        if all(float(pt[j]) >= r - 1e-12 for j, r in zip(perm, res))
    }
    n = tuple(round(float(nash[0][0][j]), 9) for j in perm) if nash else None
    return {"time": dt, "frontier": front, "nash": n}


def close(a: set[tuple[float, ...]], b: set[tuple[float, ...]], tol: float = 1e-7) -> bool:
    """Same point sets up to ``tol``: every point of each has a partner in the other."""
    if len(a) != len(b):
        return False
    if not a:
        return True
    x, y = np.array(sorted(a)), np.array(sorted(b))
    for p, q in ((x, y), (y, x)):
        for s in range(0, len(p), 512):
            d = np.abs(p[s : s + 512, None, :] - q[None, :, :]).max(axis=2)
            if not (d.min(axis=1) <= tol).all():
                return False
    return True


def log_nash(point: tuple[float, ...] | None, reservations: list[float]) -> float:
    """sum_p log(U_p - r_p) of a point (-inf when some gain is not positive)."""
    if point is None:
        return float("-inf")
    gains = [u - r for u, r in zip(point, reservations)]
    return sum(np.log(g) for g in gains) if min(gains) > 0 else float("-inf")


def in_subprocess(args: list[str]) -> dict[str, Any]:
    """Run this bench module's ``--one`` mode in a fresh process: result and peak RSS."""
    out = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# NegMAS 0.16 times measured once here with --full (seconds), shown where quick mode skips it
# (the issue quotes 194 s for 2 parties at 1e7 from an earlier NegMAS/machine)
MEASURED = {(2, 10**6): 3.04, (2, 10**7): 47.83, (3, 10**6): 4.04}


def main(argv: list[str]) -> int:
    full = "--full" in argv
    print("## zopa vs NegMAS: random additive scenarios, reservation 0 (bench/bench_core.py)")
    print(
        f"{'parties':>7} {'outcomes':>10} {'zopa s':>8} {'engine':>9} {'NegMAS s':>9} "
        f"{'ratio':>7} {'frontier':>9} {'nash':>6}"
    )
    for parties in (2, 3):
        for n_issues in (4, 5, 6, 7):
            outcomes = 10**n_issues
            s = random_scenario(n_issues, 10, parties, seed=n_issues)
            z = zopa_run(s)
            limit = 10**6 if parties == 2 else 10**5
            if full or outcomes <= limit:
                ng = negmas_run(s)
                nt, same_f, same_n = (
                    ng["time"],
                    close(z["frontier"], ng["frontier"]),
                    (
                        ng["nash"] is not None
                        and z["nash"] is not None
                        and np.allclose(ng["nash"], z["nash"], atol=1e-7)
                    ),
                )
                note = ""
            else:
                nt = MEASURED.get((parties, outcomes), float("nan"))
                same_f = same_n = None
                note = " (NegMAS time measured earlier)" if not np.isnan(nt) else ""
            ratio = nt / z["time"] if z["time"] > 0 else float("inf")
            print(
                f"{parties:>7} {outcomes:>10,} {z['time']:>8.3f} {z['engine']:>9} {nt:>9.2f} "
                f"{ratio:>7.0f}x {_yn(same_f):>9} {_yn(same_n):>6}{note}",
                flush=True,
            )
    return 0


def _yn(x: bool | None) -> str:
    return "-" if x is None else ("same" if x else "DIFF")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
