"""Issue 3 benchmark: exact analysis of huge outcome spaces, and the ANAC domains vs NegMAS.

Run: ``python bench/bench_scale.py [--full]`` from the repository root (../shared/data beside it).

(a) 2 parties, 1e7 outcomes, random additive: zopa vs NegMAS (NegMAS only with ``--full``;
    otherwise its time measured here earlier is shown), frontier and Nash agreement.
(b) 12 issues x 10 options (1e12 outcomes), 2 and 3 parties, random additive preferences with
    red lines and a constraint: zopa's exact frontier and every bargaining solution; time and
    peak memory (each case in a fresh process, peak RSS); growth with issues and options.
(c) every ANAC domain in ../shared/data/anac: zopa (engine auto) vs NegMAS, frontier and Nash
    agreement and both times (the 1e10 hyper-rectangle domain: zopa's MILP Nash against the
    GENIUS frontier file shipped with it; NegMAS would have to enumerate 1e10 outcomes).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import (
    ANAC,
    MEASURED,
    close,
    in_subprocess,
    log_nash,
    negmas_run,
    peak_rss_mb,
    random_scenario,
    zopa_run,
)

from zopa.io import load_any
from zopa.model.scenario import Scenario


def one(n_issues: int, n_options: int, parties: int) -> None:
    """``--one I O P``: one huge case in this (fresh) process; prints a JSON line."""
    s = random_scenario(n_issues, n_options, parties, seed=1, reservation=0.5, red_lines=True)
    z = zopa_run(s, "frontier")
    out = {
        "time": z["time"],
        "rss_mb": peak_rss_mb(),
        "frontier": z["frontier_size"],
        "solutions": all(z["solutions"].values()),
        "zone": z["zone"],
    }
    print(json.dumps(out))


def part_a(full: bool) -> None:
    print("\n### (a) 2 parties, 1e7 outcomes (7 issues x 10 options), reservation 0")
    s = random_scenario(7, 10, 2, seed=7)
    z = zopa_run(s)
    if full:
        ng = negmas_run(s)
        nt = ng["time"]
        agree = f"frontier {'same' if close(z['frontier'], ng['frontier']) else 'DIFF'}, " + (
            "nash same"
            if ng["nash"] and z["nash"] and np.allclose(ng["nash"], z["nash"], atol=1e-7)
            else "nash DIFF"
        )
    else:
        nt, agree = MEASURED[(2, 10**7)], "NegMAS not run (quick mode; time measured earlier)"
    print(
        f"zopa {z['time']:.3f} s ({z['engine']}), NegMAS {nt:.1f} s, "
        f"ratio {nt / z['time']:.0f}x; {agree}"
    )


def part_b(full: bool) -> None:
    print("\n### (b) huge spaces: random additive, reservation 0.5, 3 red lines + 1 constraint")
    print(
        f"{'issues':>6} {'options':>7} {'parties':>7} {'outcomes':>10} {'time s':>8} "
        f"{'peak MB':>8} {'frontier':>9} {'zone size':>22}"
    )
    cases = [(12, 10, 2), (12, 10, 3)]
    cases += [(n, 10, p) for p in (2, 3) for n in (8, 10, 14, 16)]
    cases += [(12, m, p) for p in (2, 3) for m in (5, 20)]
    if full:
        cases += [(20, 10, 2), (12, 40, 2)]
    for n, m, p in cases:
        r = in_subprocess(["bench/bench_scale.py", "--one", str(n), str(m), str(p)])
        z = r["zone"]
        size = f"{z['size']:.3g}" + ("" if z["exact"] else " (est.)")
        print(
            f"{n:>6} {m:>7} {p:>7} {float(m) ** n:>10.0e} {r['time']:>8.2f} "
            f"{r['rss_mb']:>8.0f} {r['frontier']:>9,} {size:>22}",
            flush=True,
        )


def part_c() -> None:
    print("\n### (c) ANAC domains: zopa (auto) vs NegMAS pareto_frontier + nash_points")
    print(
        f"{'domain':>20} {'parties':>7} {'outcomes':>12} {'engine':>9} {'zopa s':>8} "
        f"{'NegMAS s':>9} {'ratio':>7} {'frontier':>9} {'nash':>6}"
    )
    for d in sorted(ANAC.iterdir()):
        s = load_any(d)
        t = time.perf_counter()
        z = zopa_run(s)
        zt = time.perf_counter() - t
        if s.outcomes > 10**8:
            pts = [
                tuple(float(x) for x in line.split(","))
                for line in (d / "pareto.xml").read_text().splitlines()
                if "," in line
            ]
            best = max(pts, key=lambda q: q[0] * q[1])
            ok = z["nash"] is not None and np.allclose(best, z["nash"], atol=1e-6)
            print(
                f"{d.name:>20} {len(s.parties):>7} {s.outcomes:>12,} {z['engine']:>9} "
                f"{zt:>8.3f} {'-':>9} {'-':>7} {'-':>9} {'same' if ok else 'DIFF':>6}"
                "  (Nash vs the domain's GENIUS pareto.xml)",
                flush=True,
            )
            continue
        ng = negmas_run(s)
        same_f = close(z["frontier"], ng["frontier"])
        same_n = bool(ng["nash"] and z["nash"] and np.allclose(ng["nash"], z["nash"], atol=1e-7))
        print(
            f"{d.name:>20} {len(s.parties):>7} {s.outcomes:>12,} {z['engine']:>9} "
            f"{zt:>8.3f} {ng['time']:>9.3f} {ng['time'] / zt:>6.0f}x "
            f"{'same' if same_f else 'DIFF':>9} {'same' if same_n else 'DIFF':>6}"
            + ("" if same_n else _nash_note(s, z["nash"], ng["nash"])),
            flush=True,
        )


def _nash_note(s: Scenario, zn: tuple[float, ...] | None, nn: tuple[float, ...] | None) -> str:
    res = [p.preferences.reservation for p in s.with_preferences if p.preferences]
    return f"  (log Nash product: zopa {log_nash(zn, res):.6f}, NegMAS {log_nash(nn, res):.6f})"


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        one(int(argv[1]), int(argv[2]), int(argv[3]))
        return 0
    full = "--full" in argv
    print("## zopa at scale (bench/bench_scale.py" + (" --full" if full else "") + ")")
    part_a(full)
    part_b(full)
    if ANAC.is_dir():
        part_c()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
