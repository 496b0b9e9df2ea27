"""Global sensitivity of `zopa robust` beside SALib, on the bundled Ukraine example.

Three figures of issue 19 §6, each timed on this machine:

1. Sobol indices of P(zone) for every parameter of the Ukraine example at N = 1,024 base
   samples (N x (k + 2) exact model runs), by `zopa.robust.sensitivity.sobol_indices`, and by
   SALib (``SALib.sample.sobol`` + ``SALib.analyze.sobol``) on the same model and the same
   independent inputs (each parameter from its own distribution, the evidence not applied: the
   case SALib covers). Printed: both times, their ratio, and how many of SALib's total
   indices fall inside zopa's bootstrap 95% interval (and the largest difference).
2. Shapley effects on about 10,000 kept samples (`--sensitivity shapley`): SALib has no
   Shapley effects for dependent inputs, so only zopa's time is printed.
3. 10,000 samples of the full example as a whole process (`zopa robust FILE`), one process and
   `--workers 2` (issue 19 §6 asks for under 5 s and the pool faster; see docs/robustness.md),
   and `zopa robust FILE --samples 12100 --sensitivity shapley` (about 10,000 kept).

Each figure is printed with its wall and CPU seconds and the load average: on a shared machine
wall time is a floor that load inflates, CPU time much less.

Run: ``python bench/bench_sensitivity.py [--base N] [--quick]`` (part of ``make bench``, which
installs SALib with the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


EXAMPLE = ROOT / "examples" / "ukraine-2025.yaml"


def _model(plan, drafts):  # type: ignore[no-untyped-def]
    from zopa.robust.engine import answers
    from zopa.robust.sensitivity import output_values

    def f(theta: np.ndarray) -> np.ndarray:
        parts = []
        for a in range(0, len(theta), 1000):
            ans = answers(plan, theta[a : a + 1000], packages=False)
            parts.append(output_values("zone", ans.zone, ans.draft_all, ans.best_margin, drafts))
        return np.concatenate(parts)

    return f


def sobol_beside_salib(base: int) -> None:
    from zopa.io import load_any
    from zopa.robust.engine import make_plan
    from zopa.robust.sensitivity import sobol_indices

    s = load_any(EXAMPLE)
    plan = make_plan(s, 0)
    params = plan.params
    model = _model(plan, [d.id for d in s.drafts])
    t, c = time.perf_counter(), time.process_time()
    ours = sobol_indices(params, model, base, 0, "zone")
    t_ours, c_ours = time.perf_counter() - t, time.process_time() - c
    try:
        from SALib.analyze import sobol as sa_analyze
        from SALib.sample import sobol as sa_sample
    except ImportError:
        print("SALib is not installed (pip install -e '.[bench]'): zopa only")
        print(
            f"zopa Sobol, {len(params)} parameters, N={base}: {t_ours:.1f} s ({ours.runs:,} runs)"
        )
        return
    problem = {
        "num_vars": len(params),
        "names": [p.name for p in params],
        "bounds": [[0.0, 1.0]] * len(params),
    }
    t, c = time.perf_counter(), time.process_time()
    u = sa_sample.sample(problem, base, calc_second_order=False, seed=0)
    theta = np.column_stack([p.distribution.ppf(u[:, j]) for j, p in enumerate(params)])
    y = model(theta)
    sa = sa_analyze.analyze(problem, y, calc_second_order=False, seed=0)
    t_salib, c_salib = time.perf_counter() - t, time.process_time() - c
    by = {i.parameter.name: i for i in ours.indices}
    inside = 0
    diff = 0.0
    for j, p in enumerate(params):
        lo, hi = by[p.name].total_ci or (0.0, 0.0)
        st = float(sa["ST"][j])
        inside += lo - 1e-9 <= st <= hi + 1e-9 or abs(st - (by[p.name].total or 0.0)) <= float(
            sa["ST_conf"][j]
        )
        diff = max(diff, abs(st - (by[p.name].total or 0.0)))
    print(
        f"Sobol indices of P(zone), {len(params)} parameters, N = {base} (independent inputs; "
        f"{_load()})"
    )
    print(f"  zopa : {t_ours:6.1f} s wall, {c_ours:5.1f} s CPU  ({ours.runs:,} runs, bootstrap)")
    print(
        f"  SALib: {t_salib:6.1f} s wall, {c_salib:5.1f} s CPU  ({len(y):,} runs on the same model)"
    )
    print(f"  ratio SALib / zopa: {t_salib / t_ours:.2f}")
    print(
        f"  total indices agreeing (SALib's inside zopa's 95% interval or within SALib's own): "
        f"{inside} of {len(params)}; largest difference {diff:.3f}"
    )
    top = ours.indices[:3]
    print("  zopa's top three: " + ", ".join(f"{i.parameter.name} {i.total:.2f}" for i in top))
    order = np.argsort(-np.asarray(sa["ST"]))[:3]
    print("  SALib's top three: " + ", ".join(f"{params[j].name} {sa['ST'][j]:.2f}" for j in order))


def shapley_time(samples: int) -> None:
    from zopa.io import load_any
    from zopa.robust import robustness
    from zopa.robust.sensitivity import output_values, shapley_effects

    s = load_any(EXAMPLE)
    r = robustness(s, samples=samples, seed=0, sensitivity_samples=0)
    k = r.kept_samples
    assert k is not None
    y = output_values("zone", k.zone, k.draft_all, k.best_margin, [d.id for d in s.drafts])
    t, c = time.perf_counter(), time.process_time()
    g = shapley_effects(r.parameters, k.theta, y, 0, "zone")
    took, cpu = time.perf_counter() - t, time.process_time() - c
    print(
        f"Shapley effects of P(zone) on {len(y):,} kept samples: {took:.1f} s wall, "
        f"{cpu:.1f} s CPU ({_load()}; zopa only:"
    )
    print("  SALib has no Shapley effects for dependent inputs)")
    print("  top three: " + ", ".join(f"{i.parameter.name} {i.effect:.2f}" for i in g.indices[:3]))


def whole_process() -> None:
    zopa = str(Path(sys.executable).parent / "zopa")
    shapley = ["--samples", "12100", "--sensitivity", "shapley"]  # about 10,000 kept
    for extra in ([], ["--workers", "2"], shapley):
        t = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([zopa, "robust", str(EXAMPLE), *extra], check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        print(
            f"zopa robust (whole process) {' '.join(extra) or '10,000 samples, 1 process'}: "
            f"{time.perf_counter() - t:.1f} s wall, {cpu:.1f} s CPU (all processes; {_load()})"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", type=int, default=1024)
    ap.add_argument("--quick", action="store_true", help="N = 256, 3,000 samples, no processes")
    ap.add_argument("--full", action="store_true", help="(accepted, as every bench script)")
    a = ap.parse_args()
    sobol_beside_salib(256 if a.quick else a.base)
    shapley_time(3_000 if a.quick else 12_100)
    if not a.quick:
        whole_process()


if __name__ == "__main__":
    main()
