"""``robustness``: the agreement zone under uncertainty, conditioned on public evidence.

Each sample draws every uncertain parameter (see :mod:`zopa.robust.params`); a sample is kept
when every evidence item holds in it (rejection sampling); each kept sample is solved exactly
(:mod:`zopa.robust.engine`); the answers are fractions of the kept samples with 95% Wilson
intervals.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import multiprocessing
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zopa.analysis.count import wilson
from zopa.errors import AnalysisError, Problem, ScenarioError
from zopa.model.compiled import round_utility
from zopa.model.scenario import Scenario
from zopa.records import frozen
from zopa.robust.engine import (
    F32_DIGITS,
    BlockResult,
    Kept,
    Plan,
    Task,
    answers,
    make_plan,
    run_block,
    tasks,
)
from zopa.robust.params import BLOCK, ESS_DIGITS, Parameter
from zopa.robust.prim import PrimResult, prim
from zopa.robust.sensitivity import (
    GlobalSensitivity,
    output_values,
    parse_output,
    shapley_effects,
    sobol_indices,
)

__all__ = [
    "MAX_SAMPLES",
    "DraftOdds",
    "Exclusions",
    "Odds",
    "PackageOdds",
    "RobustAnalysis",
    "Sensitivity",
    "robustness",
]

MAX_SAMPLES = 10_000_000
FEW_KEPT = 100  # fewer kept samples than this (or under 1% of those drawn) gets a warning
Progress = Callable[[int, int], None]
Job = tuple[Task, NDArray[np.int64] | None]
FloatArray = NDArray[np.float64]


def _r(x: float) -> float:
    return round_utility(float(x))


@frozen
class Odds:
    """A probability estimated from ``count`` of ``of`` kept samples, with its 95% interval.

    With soft evidence ``count`` and ``of`` are sums of importance weights and ``effective``
    is the effective sample size (Kish): the Wilson interval is taken on it, so it widens as
    the weights grow uneven.
    """

    count: float
    of: float
    exact: bool = False  # no uncertainty: every sample is the same, the probability is exact
    effective: float | None = None  # effective sample size when the samples are weighted

    @property
    def probability(self) -> float | None:
        return self.count / self.of if self.of else None

    @property
    def ci95(self) -> tuple[float, float]:
        if not self.of:
            return (0.0, 1.0)
        p = self.count / self.of
        if self.exact:
            return (p, p)
        n = self.of if self.effective is None else self.effective
        return wilson(p * n, n)

    def to_dict(self) -> dict[str, Any]:
        p = self.probability
        return {"probability": None if p is None else _r(p), "ci95": [_r(x) for x in self.ci95]}


@frozen
class DraftOdds:
    """How likely each party accepts a draft, and all gating parties do."""

    draft: str
    all: Odds
    parties: Mapping[str, Odds]
    feasible: bool  # satisfies the scenario constraints

    def to_dict(self) -> dict[str, Any]:
        return {
            "all": self.all.to_dict()["probability"],
            "parties": {k: v.to_dict()["probability"] for k, v in self.parties.items()},
            "all_ci95": self.all.to_dict()["ci95"],
            "feasible": self.feasible,
        }


@frozen
class Exclusions:
    """For one gating party: how often its reservation, or each red line, rules a package out."""

    party: str
    reservation: float  # fraction of kept samples where the utility is below the reservation
    red_lines: Mapping[str, float]  # red line -> fraction of kept samples where it is present

    def to_dict(self) -> dict[str, Any]:
        return {
            "reservation": _r(self.reservation),
            "red_lines": {k: _r(v) for k, v in self.red_lines.items()},
        }


@frozen
class PackageOdds:
    """A package and how likely it is acceptable to every gating party."""

    package: Mapping[str, str | float | int]
    odds: Odds
    mean_margin: float  # mean over kept samples of the smallest (utility - reservation)
    number: int  # the package's number in the outcome space
    exclusions: Mapping[str, Exclusions] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "package": dict(self.package),
            "probability": self.odds.to_dict()["probability"],
            "ci95": self.odds.to_dict()["ci95"],
            "mean_min_margin": _r(self.mean_margin),
        }
        if self.exclusions:
            out["exclusions"] = {k: v.to_dict() for k, v in self.exclusions.items()}
        return out


@frozen
class Sensitivity:
    """The zone probability with one parameter at the low and the high end of its range."""

    parameter: Parameter
    low: Odds
    high: Odds

    @property
    def width(self) -> float | None:
        """|high - low|; None (unknown, not zero) when an end keeps no sample."""
        lo, hi = self.low.probability, self.high.probability
        return abs(hi - lo) if lo is not None and hi is not None else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.parameter.name,
            "low": self.low.to_dict()["probability"],
            "high": self.high.to_dict()["probability"],
            "width": None if self.width is None else _r(self.width),
            "range": [self.parameter.low, self.parameter.high],
            "low_ci95": self.low.to_dict()["ci95"],
            "high_ci95": self.high.to_dict()["ci95"],
            "kept": [self.low.of, self.high.of],
        }


@frozen
class RobustAnalysis:
    """Everything ``zopa robust`` reports; ``to_dict()`` is the ``--json`` shape::

        {"samples": int, "kept": int, "seed": int,
         "zone": {"probability": float, "ci95": [lo, hi]},
         "drafts": {draft: {"all": float, "parties": {party: float}, "all_ci95": [..],
                            "feasible": bool}},
         "robust_package": {"package": {issue: option}, "probability": float, "ci95": [..],
                            "mean_min_margin": float,
                            "exclusions": {party: {"reservation": float,
                                                   "red_lines": {text: float}}}} | null,
         "next_packages": [{"package", "probability", "ci95", "mean_min_margin"}, ...],
         "sensitivity": [{"parameter", "low", "high", "width", "range", ...}, ...],  # widest first
         "parameters": [{"parameter", "party", "kind", "range", "nominal"}, ...],
         "evidence": [{"item", "source", "holds"}, ...],
         "warnings": [str, ...], "notes": [str, ...], ...}

    Probabilities are fractions of the *kept* samples (those where every evidence item holds);
    ``null`` where no sample was kept.
    """

    title: str
    samples: int
    kept: int
    seed: int
    parties: tuple[str, ...]  # gating parties
    zone: Odds
    drafts: Mapping[str, DraftOdds]
    robust_package: PackageOdds | None
    next_packages: tuple[PackageOdds, ...]
    sensitivity: tuple[Sensitivity, ...]
    sensitivity_samples: int
    parameters: tuple[Parameter, ...]
    evidence: tuple[tuple[str, str, float], ...]  # (description, source, fraction drawn holding)
    candidates: int  # packages evaluated in every sample
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    effective_samples: float | None = None  # with soft evidence: Kish's effective sample size
    outcomes: int = 0  # packages in the outcome space
    space: int = 0  # packages that satisfy the scenario constraints
    pruned: int = 0  # of those meeting certain red lines: never acceptable in any sample
    kept_samples: Kept | None = field(default=None, repr=False, compare=False)
    global_sensitivity: GlobalSensitivity | None = None
    prim: PrimResult | None = None

    def to_dict(self) -> dict[str, Any]:
        out = self._core_dict()
        if self.effective_samples is not None:
            out["effective_samples"] = round(self.effective_samples, ESS_DIGITS)
        if self.global_sensitivity is not None:
            out["sensitivity"] = self.global_sensitivity.to_dict()
            out["tornado"] = [s.to_dict() for s in self.sensitivity]
        if self.prim is not None:
            out["prim"] = self.prim.to_dict()
        return out

    def _core_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "samples": self.samples,
            "kept": self.kept,
            "seed": self.seed,
            "parties": list(self.parties),
            "zone": self.zone.to_dict(),
            "drafts": {k: v.to_dict() for k, v in self.drafts.items()},
            "robust_package": self.robust_package.to_dict() if self.robust_package else None,
            "next_packages": [p.to_dict() for p in self.next_packages],
            "sensitivity": [s.to_dict() for s in self.sensitivity],
            "sensitivity_samples": self.sensitivity_samples,
            "parameters": [p.to_dict() for p in self.parameters],
            "evidence": [{"item": d, "source": s, "holds": _r(h)} for d, s, h in self.evidence],
            "candidates": self.candidates,
            "packages": {
                "outcomes": self.outcomes,
                "feasible": self.space,
                "never_acceptable": self.pruned,
                "solved_per_sample": self.candidates,
            },
            "method": "rejection sampling on the evidence; every kept sample solved exactly",
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


# ------------------------------------------------------------------------------ running


def robustness(  # noqa: PLR0913  the library call behind `zopa robust`: one keyword per option
    scenario: Scenario,
    *,
    samples: int = 10_000,
    seed: int = 0,
    sensitivity_samples: int | None = None,
    top: int = 5,
    workers: int | None = None,
    dask: str | None = None,
    progress: Progress | None = None,
    method: str | None = None,
    output: str = "zone",
    sobol_base: int = 1024,
    boxes: bool = False,
) -> RobustAnalysis:
    """The zone, the drafts and the most robust package under the scenario's uncertainty.

    ``samples`` are drawn from ``seed`` in deterministic blocks, so the answer is the same in
    one process, with ``workers`` local processes, or on Dask (``dask``: ``local:N``,
    ``inprocess`` or a scheduler address). The sensitivity uses the first
    ``sensitivity_samples`` samples (default ``min(samples, 2000)``) with one parameter fixed
    at each end of its range at a time (the others drawn as usual: common random numbers).

    ``method`` adds global sensitivity (``sobol`` or ``shapley``, see
    :mod:`zopa.robust.sensitivity`) of ``output`` (``zone``, ``margin`` or ``draft:ID``);
    ``boxes`` adds the PRIM boxes where a zone exists (:mod:`zopa.robust.prim`).
    """
    if method not in (None, "sobol", "shapley"):
        raise AnalysisError(f"unknown sensitivity method `{method}`: use sobol or shapley")
    output = parse_output(output, [d.id for d in scenario.drafts])
    if not 16 <= sobol_base <= 1_000_000:
        raise AnalysisError(f"the Sobol base sample must be in 16..1,000,000 (got {sobol_base})")
    if isinstance(samples, bool) or not isinstance(samples, int) or not 1 <= samples <= MAX_SAMPLES:
        raise AnalysisError(f"samples must be an integer in 1..{MAX_SAMPLES:,} (got {samples!r})")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise AnalysisError(f"seed must be an integer >= 0 (got {seed!r})")
    if workers is not None and (isinstance(workers, bool) or workers < 1):
        raise AnalysisError(f"workers must be >= 1 (got {workers!r})")
    sens_n = min(samples, 2000) if sensitivity_samples is None else sensitivity_samples
    if not 0 <= sens_n <= samples:
        raise AnalysisError(f"sensitivity_samples must be in 0..{samples} (got {sens_n})")
    plan = make_plan(scenario, seed)
    params = plan.params
    main = tasks(samples, "full")
    total = len(main) * 2 + (2 * len(params) * len(tasks(sens_n)) if sens_n else 0)
    with _Runner(plan, workers, dask, progress, total) as run:
        main_r = run([(t, None) for t in main])
        kept = int(_sum(main_r, "kept"))
        order = _order(plan, main_r, kept, top)
        jobs: list[Job] = [((b, rows, -1, math.nan, "below"), order) for b, rows, *_ in main]
        witnesses = _witnesses(plan, main_r, order)
        if sens_n:
            for j, prm in enumerate(params):
                for end in (prm.low, prm.high):
                    jobs += [(t, witnesses) for t in tasks(sens_n, "zone", j, end)]
        side_r = run(jobs)
    below = side_r[: len(main)]
    result = _assemble(scenario, plan, samples, main_r, below, side_r[len(main) :], sens_n, order)
    extra: dict[str, Any] = {}
    if method is not None and plan.params:
        extra["global_sensitivity"] = _global(scenario, plan, result, method, output, sobol_base)
    if boxes and plan.params and result.kept_samples is not None:
        k = result.kept_samples
        extra["prim"] = prim(plan.params, k.theta, k.zone, k.weight)
    return dataclasses.replace(result, **extra) if extra else result


def _global(
    scenario: Scenario,
    plan: Plan,
    result: RobustAnalysis,
    method: str,
    output: str,
    base: int,
) -> GlobalSensitivity:
    drafts = [d.id for d in scenario.drafts]
    if method == "shapley":
        k = result.kept_samples
        assert k is not None
        y = output_values(output, k.zone, k.draft_all, k.best_margin, drafts)
        soft = k.weight if plan.soft else None
        return shapley_effects(plan.params, k.theta, y, plan.seed, output, weights=soft)
    notes = []
    if scenario.evidence or scenario.correlations:
        notes.append(
            "Sobol indices need independent inputs: each parameter is drawn from its own "
            "distribution, without the evidence"
            + (" and the correlations" if scenario.correlations else "")
            + "; --sensitivity shapley respects them"
        )

    def model(theta: FloatArray) -> FloatArray:
        parts = []
        for a in range(0, len(theta), BLOCK):
            ans = answers(plan, theta[a : a + BLOCK], packages=output == "margin")
            parts.append(output_values(output, ans.zone, ans.draft_all, ans.best_margin, drafts))
        return np.concatenate(parts) if parts else np.zeros(0)

    return sobol_indices(plan.params, model, base, plan.seed, output, notes)


class _Runner:
    """Runs jobs in this process, a local process pool or on Dask, in job order."""

    def __init__(
        self,
        plan: Plan,
        workers: int | None,
        dask: str | None,
        progress: Progress | None,
        total: int,
    ) -> None:
        self.plan = plan
        self.workers = workers
        self.dask = dask
        self.progress = progress
        self.total = total
        self.done = 0
        self.pool: ProcessPoolExecutor | None = None
        self.client: Any = None
        self._stack = ExitStack()
        self.shared: Any = None

    def __enter__(self) -> _Runner:
        if self.dask is not None:
            from zopa.parallel import dask_client

            self.client = self._stack.enter_context(dask_client(self.dask, AnalysisError))
            self.shared = self.client.scatter(self.plan, broadcast=True)
        elif self.workers is not None and self.workers > 1:
            ctx = multiprocessing.get_context("forkserver")
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=ctx, initializer=_init, initargs=(self.plan,)
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        self._stack.close()

    def __call__(self, jobs: list[Job]) -> list[BlockResult]:
        out: list[BlockResult | None] = [None] * len(jobs)
        if self.client is not None:
            dd: Any = importlib.import_module("distributed")
            futures = [
                self.client.submit(_dask_task, self.shared, k, t, w, pure=False)
                for k, (t, w) in enumerate(jobs)
            ]
            results: Iterator[tuple[int, BlockResult]] = (
                f.result() for f in dd.as_completed(futures)
            )
        elif self.pool is not None:
            futs = [self.pool.submit(_task, k, t, w) for k, (t, w) in enumerate(jobs)]
            results = (f.result() for f in futs)
        else:
            results = ((k, run_block(self.plan, t, w)) for k, (t, w) in enumerate(jobs))
        for k, res in results:
            out[k] = res
            self.done += 1
            if self.progress is not None:
                self.progress(self.done, self.total)
        return [r for r in out if r is not None]


_PLAN: Plan | None = None


def _init(plan: Plan) -> None:
    global _PLAN
    _PLAN = plan


def _task(k: int, task: Task, w: NDArray[np.int64] | None) -> tuple[int, BlockResult]:
    assert _PLAN is not None
    return k, run_block(_PLAN, task, w)


def _dask_task(
    plan: Plan, k: int, task: Task, w: NDArray[np.int64] | None
) -> tuple[int, BlockResult]:
    return k, run_block(plan, task, w)


# ------------------------------------------------------------------------------ assembling


def _sum(results: Sequence[BlockResult], name: str) -> Any:
    acc: Any = None
    for r in results:  # in block order, so float sums do not depend on the partitioning
        x = getattr(r, name)
        acc = (
            x.copy()
            if acc is None and isinstance(x, np.ndarray)
            else (x if acc is None else acc + x)
        )
    return acc


def _assemble(
    scenario: Scenario,
    plan: Plan,
    samples: int,
    main: list[BlockResult],
    below: list[BlockResult],
    side: list[BlockResult],
    sens_n: int,
    order: NDArray[np.int64],
) -> RobustAnalysis:
    pids = plan.party_ids
    gate = [pids[g] for g in plan.gating]
    kept = int(_sum(main, "kept"))
    ev_hold = _sum(main, "evidence")
    if scenario.evidence and kept == 0:
        raise _contradiction(scenario, plan, samples, ev_hold, _sum(main, "evidence_pairs"))
    warnings: list[str] = []
    notes: list[str] = []
    if not plan.params:
        notes.append(
            "the scenario has no uncertainty: every sample is the scenario itself, so every "
            "probability is 0 or 1 (the exact analysis)"
        )
    if scenario.evidence and (kept < FEW_KEPT or kept < 0.01 * samples):
        warnings.append(
            f"only {kept:,} of {samples:,} samples satisfy the evidence: every probability "
            f"rests on {kept:,} samples (see the 95% intervals); draw more with --samples, or "
            "check whether the evidence and the ranges fit together"
        )
    elif kept < FEW_KEPT and plan.params:
        warnings.append(
            f"only {kept:,} samples: the probabilities are rough (see the 95% intervals); "
            "draw more with --samples"
        )
    exact = not plan.params
    total = float(_sum(main, "weight"))
    ess = total**2 / float(_sum(main, "weight2")) if plan.soft and total > 0 else None
    if ess is not None and ess < FEW_KEPT:
        warnings.append(
            f"the soft evidence leaves an effective sample size of {ess:,.0f}: the probabilities "
            "are rough (see the 95% intervals); draw more with --samples"
        )

    def odds(count: float, of: float) -> Odds:
        return Odds(count, of, exact, ess)

    zone = odds(float(_sum(main, "zone")), total)
    d_acc = _sum(main, "draft_accept")
    d_all = _sum(main, "draft_all")
    drafts = {
        d.id: DraftOdds(
            d.id,
            odds(float(d_all[k]), total),
            {pids[p]: odds(float(d_acc[k, p]), total) for p in range(len(pids))},
            bool(plan.drafts.feasible[k]),
        )
        for k, d in enumerate(scenario.drafts)
    }
    robust, others = _packages(scenario, plan, main, below, total, order, ess)
    sens = _sensitivity(plan, side, sens_n)
    n_ev = len(scenario.evidence)
    evidence = (
        tuple(
            (e.describe(), e.source, float(ev_hold[k]) / samples)
            for k, e in enumerate(scenario.evidence)
        )
        if n_ev
        else ()
    )
    if plan.n_candidates == 0:
        notes.append(
            "no package satisfies the constraints and every certain red line of the gating "
            "parties: the zone is empty in every sample"
        )
    return RobustAnalysis(
        title=scenario.title,
        samples=samples,
        kept=kept,
        seed=plan.seed,
        parties=tuple(gate),
        zone=zone,
        drafts=drafts,
        robust_package=robust,
        next_packages=others,
        sensitivity=sens,
        sensitivity_samples=sens_n if plan.params else 0,
        parameters=plan.params,
        evidence=evidence,
        candidates=plan.n_candidates,
        warnings=tuple(warnings),
        notes=tuple(notes),
        effective_samples=ess,
        outcomes=scenario.outcomes,
        space=plan.candidates.feasible_count,
        pruned=plan.candidates.pruned,
        kept_samples=_kept(main),
    )


def _kept(main: Sequence[BlockResult]) -> Kept | None:
    """The kept samples of the main run, in block order (for global sensitivity and PRIM)."""
    parts = [r.samples for r in main if r.samples is not None]
    if not parts:
        return None
    return Kept(
        np.concatenate([k.theta for k in parts]),
        np.concatenate([k.weight for k in parts]),
        np.concatenate([k.zone for k in parts]),
        np.concatenate([k.draft_all for k in parts]),
        np.concatenate([k.best_margin for k in parts]),
    )


WITNESSES = 256  # candidates tried first in the tornado's zone-only runs


def _witnesses(plan: Plan, main: list[BlockResult], order: NDArray[np.int64]) -> NDArray[np.int64]:
    """The candidates most often acceptable in the main run, tried first for a sample's zone.

    Only the speed depends on them: a sample they all fail is scanned over every candidate.
    """
    parts = [order, plan.candidates.witnesses]
    if plan.n_candidates and main:
        ok = _sum(main, "package_ok")
        likely = np.argsort(-ok, kind="stable")[:WITNESSES]
        parts.append(likely[ok[likely] > 0].astype(np.int64))
    return np.unique(np.concatenate(parts))


def _numbers(plan: Plan) -> NDArray[np.int64]:
    strides = np.array([math.prod(plan.sizes[i + 1 :]) for i in range(len(plan.sizes))])
    out: NDArray[np.int64] = (plan.candidates.idx @ strides).astype(np.int64)
    return out


def _order(plan: Plan, main: list[BlockResult], kept: int, top: int) -> NDArray[np.int64]:
    """The ``top + 1`` candidates most often acceptable to all gating parties.

    Ties: the larger mean smallest margin, then the smaller package number.
    """
    if plan.n_candidates == 0 or kept == 0:
        return np.zeros(0, dtype=np.int64)
    ok = _sum(main, "package_ok")
    margin = np.round(_sum(main, "margin") / float(_sum(main, "weight")), F32_DIGITS)
    order = np.lexsort((_numbers(plan), -margin, -ok))[: max(1, top + 1)]
    return order.astype(np.int64)


def _packages(
    scenario: Scenario,
    plan: Plan,
    main: list[BlockResult],
    below_r: list[BlockResult],
    kept: float,
    order: NDArray[np.int64],
    ess: float | None,
) -> tuple[PackageOdds | None, tuple[PackageOdds, ...]]:
    if len(order) == 0:
        return None, ()
    ok = _sum(main, "package_ok")
    margin = _sum(below_r, "exact_margin") / kept
    numbers = _numbers(plan)
    below = _sum(below_r, "below")
    present = _sum(main, "present")
    pids = plan.party_ids

    def odds(k: int) -> PackageOdds:
        c = int(order[k])
        excl: dict[str, Exclusions] = {}
        for gi, g in enumerate(plan.gating):
            reds = {
                plan.params[red.column].key or "": float(present[red.column]) / kept
                for red in plan.red
                if red.party == g and red.breaks_candidate[c]
            }
            excl[pids[g]] = Exclusions(pids[g], float(below[gi, k]) / kept, reds)
        return PackageOdds(
            scenario.package(plan.candidates.idx[c]),
            Odds(float(ok[c]), kept, not plan.params, ess),
            float(margin[k]),
            int(numbers[c]),
            excl,
        )

    return odds(0), tuple(odds(k) for k in range(1, len(order)))


def _sensitivity(plan: Plan, side: list[BlockResult], sens_n: int) -> tuple[Sensitivity, ...]:
    if not sens_n or not plan.params:
        return ()
    per = len(tasks(sens_n))
    out = []
    for j, prm in enumerate(plan.params):
        lo = side[2 * j * per : (2 * j + 1) * per]
        hi = side[(2 * j + 1) * per : (2 * j + 2) * per]
        out.append(
            Sensitivity(
                prm,
                _end_odds(lo, plan.soft),
                _end_odds(hi, plan.soft),
            )
        )
    # widest first; a parameter whose swing is unknown (an end keeps no sample) comes after
    # the known ones, flagged n/a, never ranked as no effect (stable: ties keep the order)
    out.sort(key=lambda s: (s.width is None, -round_utility(s.width or 0.0)))
    return tuple(out)


def _end_odds(results: Sequence[BlockResult], soft: bool) -> Odds:
    total = float(_sum(results, "weight"))
    ess = total**2 / float(_sum(results, "weight2")) if soft and total > 0 else None
    return Odds(float(_sum(results, "zone")), total, effective=ess)


def _contradiction(
    scenario: Scenario,
    plan: Plan,
    samples: int,
    hold: Any,
    pairs: Any,
) -> ScenarioError:
    items = scenario.evidence
    never = [k for k in range(len(items)) if hold[k] == 0]
    clash = [
        (a, b)
        for a in range(len(items))
        for b in range(a + 1, len(items))
        if pairs[a, b] == 0 and hold[a] and hold[b]
    ]
    if never:
        named = never
        why = "no sample satisfies " + ", ".join(f"evidence[{k}]" for k in never)
    elif clash:
        named = sorted({k for ab in clash for k in ab})
        why = "no sample satisfies both of " + "; ".join(
            f"evidence[{a}] and evidence[{b}]" for a, b in clash[:5]
        )
    else:
        named = list(range(len(items)))
        why = "no sample satisfies all of them at once"
    listed = "; ".join(
        f"evidence[{k}]: {items[k].describe()} (holds in {hold[k]:,} of {samples:,})" for k in named
    )
    what = (
        "the scenario has no uncertainty, so the evidence must hold in the scenario as written"
        if not plan.params
        else f"{samples:,} samples drawn"
    )
    return ScenarioError(
        [
            Problem(
                f"contradictory evidence: {why} ({what}): {listed}",
                where="evidence",
                hint="check the sources, widen the uncertainty ranges that these statements are "
                "about, or draw more samples if the combination is merely rare",
            )
        ],
        file=scenario.file,
    )
