"""Exact per-sample answers, vectorised across samples and packages.

A :class:`Plan` holds plain NumPy arrays (it pickles cheaply to worker processes and Dask):

- the *candidates*: every package that satisfies the scenario constraints and every certain red
  line of every gating party (the only packages that can be in a sample's zone), as a one-hot
  matrix ``X`` (candidates x all options) and their option indices;
- each party's nominal raw weights, option values and reservation, and where each uncertain
  parameter goes.

For a batch of ``m`` samples the weighted-value tables of every party are one ``(m, options)``
array ``T``, so the utilities of every candidate in every sample are one matrix product
``T @ X.T`` per party, rounded by :func:`zopa.model.compiled.round_utility` like every engine.
A sample's zone exists when some candidate meets every gating party's reservation and breaks no
red line present in that sample: exact, no sampling of packages.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

import numpy as np
from numpy.typing import NDArray

from zopa.errors import AnalysisError
from zopa.model.compiled import SLACK, CompiledScenario, compile_scenario, round_utility
from zopa.model.expr import Formula, evaluate
from zopa.model.scenario import Scenario
from zopa.model.uncertainty import CurvePoint, RedLine, Reservation, Value, Weight
from zopa.records import frozen
from zopa.robust.params import BLOCK, Parameter, Sampler

__all__ = [
    "CANDIDATE_LIMIT",
    "SPACE_LIMIT",
    "BlockResult",
    "Plan",
    "SampleAnswers",
    "answers",
    "make_plan",
    "run_block",
]

SPACE_LIMIT = 20_000_000  # packages scanned once to find the candidates
CANDIDATE_LIMIT = 2_000_000  # candidates evaluated in every sample
_CELLS = 4_000_000  # samples x candidates per sub-batch (bounds memory)
_ZONE_STEP = 32  # samples per zone-only batch: small batches share tighter bounds
_CACHE = 1 << 20  # floats of one slice of utilities (parties x candidates x samples): 4 MB
F32_DIGITS = 6
"""Decimals to which sums of float32 margins are trusted (they only order candidates; every
reported margin is recomputed in float64 and rounded by :func:`round_utility`)."""

FloatArray = NDArray[np.float64]
_P = ParamSpec("_P")
_R = TypeVar("_R")


@functools.cache
def _blas() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``fn`` with the BLAS on one thread.

    The products here are skinny (thousands of rows times a few dozen option columns): a
    threaded BLAS spends more on handing them out than it saves (6x slower on 2 cores, worse
    under load, and it fights ``--workers``), so parallelism comes from processes instead.
    """

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with _blas().limit(limits=1, user_api="blas"):
            return fn(*args, **kwargs)

    return wrapper


BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


@frozen(eq=False)
class Layout:
    """The option columns of the outcome space: issue sizes and where each issue starts."""

    sizes: tuple[int, ...]
    offsets: IntArray  # first option column of each issue
    option_issue: IntArray  # issue of each option column

    @property
    def n_options(self) -> int:
        return int(sum(self.sizes))


@frozen(eq=False)
class Nominal:
    """The parties' tables before any draw (rows: parties with preferences)."""

    party_ids: tuple[str, ...]
    gating: tuple[int, ...]  # indices into party_ids
    weights: (
        FloatArray  # (P, I): raw weights where a party's weights are uncertain, else normalised
    )
    reweigh: BoolArray  # (P,): normalise weights per sample
    values: FloatArray  # (P, O)
    reservation: FloatArray  # (P,)
    caps: FloatArray  # (P,) each party's utility cap (Preferences.cap), inf when none

    def gate_caps(self) -> FloatArray | None:
        """The caps of the gating parties (G,), None when none has one."""
        caps = self.caps[list(self.gating)]
        return caps if np.isfinite(caps).any() else None


@frozen(eq=False)
class Candidates:
    """The packages solved in every sample, one-hot, with what speeds up the zone scans."""

    idx: IntArray  # (N, I) option indices
    x: FloatArray  # (N, O) one-hot
    rect: FloatArray  # (N, P) hyper-rectangle utilities
    sig: IntArray  # (N,) which uncertain red lines (of gating parties) each breaks, as a code
    sig_breaks: BoolArray  # (codes, R)
    witnesses: IntArray  # the best nominal packages, tried first for the zone
    aug32: NDArray[np.float32]  # [one-hot | rects of the gating parties | 1]^T, (width, N)
    tol32: float  # bound of the float32 error of a margin
    u_max: FloatArray  # (N, G) upper bounds of the utilities over the uncertainty box
    feasible_count: int  # packages that satisfy the scenario constraints
    pruned: int  # candidates dropped: never acceptable to some gating party

    def __len__(self) -> int:
        return int(self.idx.shape[0])


@frozen(eq=False)
class DraftTable:
    """The drafts, one-hot, and what is fixed about them."""

    idx: IntArray  # (D, I)
    x: FloatArray  # (D, O)
    rect: FloatArray  # (D, P)
    feasible: BoolArray  # (D,) satisfies the scenario constraints
    certain_ok: BoolArray  # (D, P) breaks no certain red line


@frozen(eq=False)
class UncertainRedLine:
    """A red line that is present in some samples: its parameter column and what it breaks."""

    party: int
    column: int
    breaks_candidate: BoolArray  # (N,)
    breaks_draft: BoolArray  # (D,)


@frozen
class SetReservation:
    column: int
    party: int


@frozen
class SetWeight:
    column: int
    party: int
    issue: int


@frozen
class SetValue:
    column: int
    party: int
    option: int  # option column


Setter = SetReservation | SetWeight | SetValue


@frozen(eq=False)
class Curve:
    """A numeric issue's value curve with uncertain points: grid values = points @ basis.T."""

    party: int
    issue: int
    basis: FloatArray  # (options, points)
    ys: FloatArray  # nominal values at the points
    columns: Mapping[int, int]  # point -> parameter column


@frozen
class EvidenceCheck:
    """One evidence item as indices, with its confidence (1: hard)."""

    kind: str  # prefers | accepts | rejects
    party: int
    draft: int
    over: int  # -1 unless prefers
    confidence: float


@frozen(eq=False)
class Plan:
    """Everything a worker needs to evaluate blocks of samples (small records of arrays)."""

    seed: int
    sampler: Sampler
    layout: Layout
    nominal: Nominal
    candidates: Candidates
    drafts: DraftTable
    red: tuple[UncertainRedLine, ...]
    setters: tuple[Setter, ...]
    curves: tuple[Curve, ...]
    evidence: tuple[EvidenceCheck, ...]

    @property
    def params(self) -> tuple[Parameter, ...]:
        return self.sampler.params

    @property
    def party_ids(self) -> tuple[str, ...]:
        return self.nominal.party_ids

    @property
    def gating(self) -> tuple[int, ...]:
        return self.nominal.gating

    @property
    def sizes(self) -> tuple[int, ...]:
        return self.layout.sizes

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def soft(self) -> bool:
        """Some evidence is soft: samples carry importance weights."""
        return any(e.confidence < 1.0 for e in self.evidence)


def make_plan(scenario: Scenario, seed: int) -> Plan:
    """Compile ``scenario`` for sampling; raises :class:`AnalysisError` past the limits.

    In stages: the option layout, the nominal tables, where each parameter goes, the
    candidates (one scan of the space), the drafts, the evidence.
    """
    cs = compile_scenario(scenario)
    sampler = Sampler.of(scenario)
    layout = _layout(cs.sizes)
    nominal = _nominal(scenario, cs, layout)
    setters, curves = _setters(scenario, sampler.params, nominal, layout)
    certain, uncertain = _red_lines(cs, sampler.params)
    cand, feasible_count = _candidates(cs, [certain[g] for g in nominal.gating])
    drafts = _drafts(scenario, cs, layout, certain)
    x = _one_hot(cand, layout.offsets, layout.n_options)
    rect = _rects(cs, cand)
    keep, u_max = _possible(scenario, sampler.params, nominal, layout, x, rect)
    cand, x, rect, u_max = cand[keep], x[keep], rect[keep], u_max[keep]
    # grouped by the uncertain red lines of gating parties they break, so a sample's present red
    # lines block whole slices of candidates (see _runs)
    keys = [~evaluate(f, cand, cs.sizes) for p, _, f in uncertain if p in nominal.gating]
    by = np.lexsort(keys[::-1]) if keys else np.arange(len(cand))
    cand, x, rect, u_max = cand[by], x[by], rect[by], u_max[by]
    red = tuple(
        UncertainRedLine(p, col, ~evaluate(f, cand, cs.sizes), ~evaluate(f, drafts.idx, cs.sizes))
        for p, col, f in uncertain
    )
    candidates = _candidate_record(
        cs, nominal, red, cand, x, rect, u_max, feasible_count, int((~keep).sum())
    )
    return Plan(
        seed,
        sampler,
        layout,
        nominal,
        candidates,
        drafts,
        red,
        setters,
        curves,
        _evidence_checks(scenario, nominal),
    )


def _layout(sizes: tuple[int, ...]) -> Layout:
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    option_issue = np.repeat(np.arange(len(sizes)), sizes).astype(np.int64)
    return Layout(sizes, offsets, option_issue)


def _nominal(scenario: Scenario, cs: CompiledScenario, layout: Layout) -> Nominal:
    pids = cs.party_ids
    issue_ids = [i.id for i in scenario.issues]
    weights = np.zeros((len(pids), len(issue_ids)))
    reweigh = np.zeros(len(pids), dtype=bool)
    values = np.zeros((len(pids), layout.n_options))
    reservation = np.zeros(len(pids))
    caps = np.full(len(pids), np.inf)
    for p, pid in enumerate(pids):
        pr = scenario.party(pid).preferences
        assert pr is not None
        u = pr.uncertainty
        reweigh[p] = u is not None and bool(u.weights)
        for i, iid in enumerate(issue_ids):
            weights[p, i] = u.raw_weights[iid] if u is not None and u.weights else pr.weights[iid]
            a = int(layout.offsets[i])
            values[p, a : a + layout.sizes[i]] = pr.values[iid]
        reservation[p] = pr.reservation
        if pr.cap is not None:  # kept even where it cannot bind nominally: a draw may reach it
            caps[p] = pr.cap
    gate = tuple(int(g) for g in cs.gating_index)
    return Nominal(pids, gate, weights, reweigh, values, round_utility(reservation), caps)


def _setters(
    scenario: Scenario, params: tuple[Parameter, ...], nominal: Nominal, layout: Layout
) -> tuple[tuple[Setter, ...], tuple[Curve, ...]]:
    """Where each parameter column goes: a reservation, a weight, an option value or a curve."""
    pids = nominal.party_ids
    issue_ids = [i.id for i in scenario.issues]
    setters: list[Setter] = []
    points: dict[tuple[int, int], dict[int, int]] = {}
    for j, prm in enumerate(params):
        t = prm.target
        p = pids.index(t.party)
        if isinstance(t, Reservation):
            setters.append(SetReservation(j, p))
        elif isinstance(t, Weight):
            setters.append(SetWeight(j, p, issue_ids.index(t.issue)))
        elif isinstance(t, Value):
            i = issue_ids.index(t.issue)
            opt = int(layout.offsets[i]) + scenario.issues[i].option_ids.index(t.option)
            setters.append(SetValue(j, p, opt))
        elif isinstance(t, CurvePoint):
            i = issue_ids.index(t.issue)
            points.setdefault((p, i), {})[_curve_xs(scenario, t.party, t.issue).index(t.x)] = j
    curves = []
    for (p, i), cols in points.items():
        pr = scenario.party(pids[p]).preferences
        assert pr is not None and pr.uncertainty is not None
        pts = pr.uncertainty.curves[issue_ids[i]]
        xs = np.array([x for x, _ in pts])
        grid = np.array(scenario.issues[i].numbers or (), dtype=float)
        basis = np.stack([np.interp(grid, xs, np.eye(len(xs))[k]) for k in range(len(xs))], 1)
        curves.append(Curve(p, i, basis, np.array([y for _, y in pts]), cols))
    return tuple(setters), tuple(curves)


def _curve_xs(scenario: Scenario, party: str, issue: str) -> list[float]:
    pr = scenario.party(party).preferences
    assert pr is not None and pr.uncertainty is not None
    return [x for x, _ in pr.uncertainty.curves[issue]]


def _drafts(
    scenario: Scenario, cs: CompiledScenario, layout: Layout, certain: list[list[Formula]]
) -> DraftTable:
    rows = [scenario.indices(d.package) for d in scenario.drafts]
    idx = np.asarray(rows, dtype=np.int64).reshape(len(rows), len(layout.sizes))
    feasible = cs.feasible(idx)
    # as in `zopa evaluate`, a draft that breaks a scenario constraint is acceptable to nobody
    ok = np.repeat(feasible[:, None], len(cs.party_ids), axis=1)
    for p, rules in enumerate(certain):
        for f in rules:
            ok[:, p] &= evaluate(f, idx, cs.sizes)
    return DraftTable(
        idx, _one_hot(idx, layout.offsets, layout.n_options), _rects(cs, idx), feasible, ok
    )


def _candidate_record(  # noqa: PLR0913  assembles the Candidates record from the arrays of the stage before
    cs: CompiledScenario,
    nominal: Nominal,
    red: tuple[UncertainRedLine, ...],
    cand: IntArray,
    x: FloatArray,
    rect: FloatArray,
    u_max: FloatArray,
    feasible_count: int,
    pruned: int,
) -> Candidates:
    gate = list(nominal.gating)
    gating_red = np.array([r.party in nominal.gating for r in red], dtype=bool)
    breaks = (
        np.stack([r.breaks_candidate for r in red], axis=1) & gating_red[None, :]
        if red
        else np.zeros((len(cand), 0), dtype=bool)
    )
    sig_breaks, sig = np.unique(breaks, axis=0, return_inverse=True)
    if len(cand) == 0:
        sig_breaks = np.zeros((1, len(red)), dtype=bool)
        sig = np.zeros(0, dtype=np.int64)
    nominal_margin = (cs.utilities(cand)[:, gate] - cs.reservation[gate]).min(axis=1)
    witnesses = np.argsort(-nominal_margin, kind="stable")[:32].astype(np.int64)
    aug = np.concatenate([x, rect[:, gate], np.ones((len(cand), 1))], axis=1)
    return Candidates(
        idx=cand,
        x=x,
        rect=rect,
        sig=np.asarray(sig, dtype=np.int64).reshape(-1),
        sig_breaks=np.asarray(sig_breaks, dtype=bool),
        witnesses=witnesses,
        aug32=np.ascontiguousarray(aug.T.astype(np.float32)),
        tol32=_tol32(rect, nominal.gating, len(cs.sizes)),
        u_max=u_max,
        feasible_count=feasible_count,
        pruned=pruned,
    )


def _evidence_checks(scenario: Scenario, nominal: Nominal) -> tuple[EvidenceCheck, ...]:
    did = [d.id for d in scenario.drafts]
    return tuple(
        EvidenceCheck(
            e.kind,
            nominal.party_ids.index(e.party),
            did.index(e.draft),
            did.index(e.over) if e.over is not None else -1,
            e.confidence,
        )
        for e in scenario.evidence
    )


def _tol32(rect: FloatArray, gate: tuple[int, ...], n_issues: int) -> float:
    """4x a bound on the float32 error of utility - reservation.

    The product sums one term per issue (each at most 1 in magnitude, rounded to float32), the
    hyper-rectangle term and the reservation, so the error is below
    ``(n_issues + 2) * eps * scale`` with ``scale`` the largest magnitude of a term.
    """
    scale = 1.0 + (float(np.abs(rect[:, list(gate)]).max()) if rect.size else 0.0)
    return 4 * (n_issues + 2) * float(np.finfo(np.float32).eps) * scale


def _possible(
    scenario: Scenario,
    params: tuple[Parameter, ...],
    nominal: Nominal,
    layout: Layout,
    cand_x: FloatArray,
    cand_rect: FloatArray,
) -> tuple[BoolArray, FloatArray]:
    """Candidates that some sample could make acceptable to every gating party.

    An upper bound of each gating party's utility over the whole uncertainty box (values at the
    top of their ranges; the raw weights at the vertex that maximises the weighted mean, found by
    trying every split of the issues sorted by value) is compared with the lowest reservation.
    A candidate below it for some party has probability exactly 0 and is dropped. Also returns
    the bounds (candidates x gating parties), which prune the zone-only scans further.
    """
    n = cand_x.shape[0]
    gate = nominal.gating
    keep = np.ones(n, dtype=bool)
    bounds = np.full((n, len(gate)), np.inf)
    if n == 0:
        return keep, bounds
    sizes, offsets = layout.sizes, layout.offsets
    issue_ids = [i.id for i in scenario.issues]
    for gi, g in enumerate(gate):
        pid = nominal.party_ids[g]
        mine = [prm for prm in params if prm.party == pid]
        v_hi = nominal.values[g].copy()
        for prm in mine:
            t = prm.target
            if isinstance(t, Value):
                i = issue_ids.index(t.issue)
                v_hi[offsets[i] + scenario.issues[i].option_ids.index(t.option)] = prm.high
        for iid in {prm.target.issue for prm in mine if isinstance(prm.target, CurvePoint)}:
            i = issue_ids.index(iid)
            pr = scenario.party(pid).preferences
            assert pr is not None and pr.uncertainty is not None
            pts = pr.uncertainty.curves[iid]
            xs = np.array([x for x, _ in pts])
            ys = np.array([y for _, y in pts])
            for prm in mine:
                t = prm.target
                if isinstance(t, CurvePoint) and t.issue == iid:
                    ys[int(np.argmin(np.abs(xs - t.x)))] = prm.high
            grid = np.array(scenario.issues[i].numbers or (), dtype=float)
            v_hi[offsets[i] : offsets[i] + sizes[i]] = np.interp(grid, xs, ys)
        # best value of each candidate on each issue: (N, I)
        a = np.stack(
            [
                cand_x[:, offsets[i] : offsets[i] + sizes[i]]
                @ v_hi[offsets[i] : offsets[i] + sizes[i]]
                for i in range(len(sizes))
            ],
            axis=1,
        )
        if nominal.reweigh[g]:
            lo = nominal.weights[g].copy()
            hi = nominal.weights[g].copy()
            for prm in mine:
                if isinstance(prm.target, Weight):
                    i = issue_ids.index(prm.target.issue)
                    lo[i], hi[i] = prm.low, prm.high
            u_max = _best_weighted_mean(a, lo, hi)
        else:
            u_max = a @ nominal.weights[g]
        u_max = u_max + cand_rect[:, g]
        r_lo = float(nominal.reservation[g])
        for prm in mine:
            if isinstance(prm.target, Reservation):
                r_lo = prm.low
        keep &= u_max >= r_lo - 1e-9
        bounds[:, gi] = u_max
    return keep, bounds


def _best_weighted_mean(a: FloatArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """max over weights w in [lo, hi] of sum(w a) / sum(w), per row of ``a``.

    The maximum is at a vertex where the issues with the largest values take their high weight
    and the rest their low one: try every split of the issues sorted by value.
    """
    n = a.shape[0]
    order = np.argsort(-a, axis=1, kind="stable")
    a_s = np.take_along_axis(a, order, axis=1)
    lo_s, hi_s = lo[order], hi[order]
    top_num = np.concatenate([np.zeros((n, 1)), np.cumsum(a_s * hi_s, axis=1)], axis=1)
    top_den = np.concatenate([np.zeros((n, 1)), np.cumsum(hi_s, axis=1)], axis=1)
    rest_num = np.concatenate(
        [np.cumsum((a_s * lo_s)[:, ::-1], axis=1)[:, ::-1], np.zeros((n, 1))], axis=1
    )
    rest_den = np.concatenate([np.cumsum(lo_s[:, ::-1], axis=1)[:, ::-1], np.zeros((n, 1))], axis=1)
    den = top_den + rest_den
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(den > 0, (top_num + rest_num) / np.where(den > 0, den, 1), -np.inf)
    out: FloatArray = ratio.max(axis=1)
    return out


def _red_lines(
    cs: CompiledScenario, params: tuple[Parameter, ...]
) -> tuple[list[list[Formula]], list[tuple[int, int, Formula]]]:
    """Per party the certain red-line formulas; and (party, column, formula) of uncertain ones."""
    certain: list[list[Formula]] = [[] for _ in cs.party_ids]
    uncertain: list[tuple[int, int, Formula]] = []
    col = {
        (p.party, p.target.text): j for j, p in enumerate(params) if isinstance(p.target, RedLine)
    }
    for p, pid in enumerate(cs.party_ids):
        prefs = cs.scenario.party(pid).preferences
        assert prefs is not None
        probs = prefs.uncertainty.red_lines if prefs.uncertainty else {}
        for f, text in zip(cs.red_lines[p], cs.red_line_texts[p], strict=True):
            q = probs.get(text.strip(), 1.0)
            if q >= 1.0:
                certain[p].append(f)
            elif q > 0.0:
                uncertain.append((p, col[(pid, text.strip())], f))
    return certain, uncertain


def _candidates(cs: CompiledScenario, certain: list[list[Formula]]) -> tuple[IntArray, int]:
    total = cs.outcomes
    if total > SPACE_LIMIT:
        raise AnalysisError(
            f"{total:,} packages are too many for `zopa robust`, which scans the space once "
            f"(limit {SPACE_LIMIT:,}) and solves every sample exactly; merge or coarsen issues "
            "(e.g. a larger numeric step)"
        )
    keep: list[IntArray] = []
    found = 0
    feasible = 0
    step = 1 << 18
    for a in range(0, total, step):
        idx = cs.decode(np.arange(a, min(total, a + step), dtype=np.int64))
        ok = cs.feasible(idx)
        feasible += int(ok.sum())
        for rules in certain:
            for f in rules:
                ok &= evaluate(f, idx, cs.sizes)
        sel = idx[ok]
        found += len(sel)
        if found > CANDIDATE_LIMIT:
            raise AnalysisError(
                f"more than {CANDIDATE_LIMIT:,} packages satisfy the constraints and the certain "
                "red lines; `zopa robust` evaluates every one of them in every sample and stops "
                "here. Make red lines certain, coarsen issues, or analyse fewer issues"
            )
        keep.append(sel)
    cand = np.concatenate(keep) if keep else np.zeros((0, cs.n_issues), dtype=np.int64)
    return cand.astype(np.int64), feasible


def _one_hot(idx: IntArray, offsets: IntArray, n_opt: int) -> FloatArray:
    x = np.zeros((idx.shape[0], n_opt), dtype=np.float64)
    rows = np.arange(idx.shape[0])
    for i in range(idx.shape[1]):
        x[rows, offsets[i] + idx[:, i]] = 1.0
    return x


def _rects(cs: CompiledScenario, idx: IntArray) -> FloatArray:
    extra = cs.rect_utilities(idx)
    return extra if extra is not None else np.zeros((idx.shape[0], cs.n_parties))


# ------------------------------------------------------------------------------ evaluation


def tables(plan: Plan, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Weighted-value tables (m, P, O) and reservations (m, P) of the samples ``theta``."""
    m = theta.shape[0]
    nom, lay = plan.nominal, plan.layout
    w = np.broadcast_to(nom.weights, (m, *nom.weights.shape)).copy()
    v = np.broadcast_to(nom.values, (m, *nom.values.shape)).copy()
    r = np.broadcast_to(nom.reservation, (m, len(nom.party_ids))).copy()
    for st in plan.setters:
        if isinstance(st, SetReservation):
            r[:, st.party] = round_utility(theta[:, st.column])
        elif isinstance(st, SetWeight):
            w[:, st.party, st.issue] = theta[:, st.column]
        else:
            v[:, st.party, st.option] = theta[:, st.column]
    for c in plan.curves:
        ys = np.broadcast_to(c.ys, (m, len(c.ys))).copy()
        for k, j in c.columns.items():
            ys[:, k] = theta[:, j]
        a = int(lay.offsets[c.issue])
        v[:, c.party, a : a + lay.sizes[c.issue]] = ys @ c.basis.T
    for q in np.flatnonzero(nom.reweigh):
        w[:, q, :] /= w[:, q, :].sum(axis=1, keepdims=True)
    return v * w[:, :, lay.option_issue], r


@frozen
class SampleAnswers:
    """Per-sample answers of a batch of ``m`` samples (``N`` candidates, ``D`` drafts)."""

    weight: FloatArray  # (m,) likelihood of the evidence (0/1 when it is all hard)
    evidence: BoolArray  # (m, E) each item holds
    zone: BoolArray  # (m,)
    draft_accept: BoolArray  # (m, D, P) party accepts draft
    draft_all: BoolArray  # (m, D) every gating party accepts and the draft is feasible
    package_ok: BoolArray  # (m, N) candidate acceptable to every gating party (if asked)
    margin: FloatArray  # (m, N) min over gating parties of utility - reservation (if asked)
    best_margin: FloatArray  # (m,) the best candidate's smallest margin (if asked)

    @property
    def kept(self) -> BoolArray:
        out: BoolArray = self.weight > 0
        return out


def _present(plan: Plan, theta: FloatArray) -> BoolArray:
    """(m, R): uncertain red line r (of ``plan.red``) is present in the sample."""
    cols = [r.column for r in plan.red]
    return theta[:, cols] > 0.5 if cols else np.zeros((theta.shape[0], 0), dtype=bool)


def drafts_answers(
    plan: Plan, t: FloatArray, r: FloatArray, present: BoolArray
) -> tuple[FloatArray, BoolArray]:
    """Utilities (m, D, P) and acceptance (m, D, P) of the drafts."""
    d = plan.drafts
    ud = np.einsum("mpo,do->mdp", t, d.x) + d.rect
    if np.isfinite(plan.nominal.caps).any():
        np.minimum(ud, plan.nominal.caps, out=ud)
    ud = round_utility(ud)
    acc = (ud >= r[:, None, :]) & d.certain_ok[None, :, :]
    for k, red in enumerate(plan.red):
        acc[:, :, red.party] &= ~(present[:, k, None] & red.breaks_draft[None, :])
    return ud, acc


def _augmented(plan: Plan, t: FloatArray, r: FloatArray) -> FloatArray:
    """Tables of the gating parties with a hyper-rectangle column per party and ``-r``.

    With :attr:`Candidates.aug32` (``[one-hot | rects | 1]``, transposed), one product gives
    utility minus reservation for every (sample, party, candidate).
    """
    gate = list(plan.gating)
    m, g = t.shape[0], len(gate)
    out = np.zeros((m, g, t.shape[2] + g + 1))
    out[:, :, : t.shape[2]] = t[:, gate, :]
    out[:, np.arange(g), t.shape[2] + np.arange(g)] = 1.0
    out[:, :, -1] = -r[:, gate]
    return out


def _runs(sig: IntArray) -> list[tuple[int, int, int]]:
    """``(code, start, stop)`` of the runs of equal red-line codes in ``sig``.

    The plan sorts its candidates by code, so the whole set is a few runs; any subset is still
    correct (more, shorter runs).
    """
    if len(sig) == 0:
        return []
    cut = np.flatnonzero(np.diff(sig)) + 1
    starts = [0, *cut.tolist()]
    stops = [*cut.tolist(), len(sig)]
    return [(int(sig[a]), a, b) for a, b in zip(starts, stops, strict=True)]


def _blocked(plan: Plan, present: BoolArray) -> BoolArray | None:
    """(m, codes): the candidates of red-line code ``c`` break a red line present in sample m."""
    c = plan.candidates
    if not c.sig_breaks.shape[1]:
        return None
    out: BoolArray = (present.astype(np.float64) @ c.sig_breaks.T.astype(np.float64)) > 0
    return out


def _smallest_margins(
    ta: FloatArray, xt: NDArray[np.float32], caps: FloatArray | None = None
) -> NDArray[np.float32]:
    """(m, K) float32: per sample and candidate the smallest utility - reservation.

    In slices of a few samples, so each product (parties x candidates) stays in cache while
    its minimum is taken: about 2.5x faster than one big product, and the same numbers. With
    ``caps`` (G,), min(cap, U) - r = min(cap - r, U - r) per party.
    """
    m, g, width = ta.shape
    k = xt.shape[1]
    t32 = ta.astype(np.float32)
    out = np.empty((m, k), dtype=np.float32)
    step = max(1, _CACHE // max(1, g * k))
    for a in range(0, m, step):
        b = min(m, a + step)
        u = (t32[a:b].reshape((b - a) * g, width) @ xt).reshape(b - a, g, k)
        if caps is not None:
            np.minimum(u, (caps[None, :] + ta[a:b, :, -1]).astype(np.float32)[:, :, None], out=u)
        if g == 1:
            out[a:b] = u[:, 0, :]
            continue
        np.minimum(u[:, 0, :], u[:, 1, :], out=out[a:b])
        for gi in range(2, g):
            np.minimum(out[a:b], u[:, gi, :], out=out[a:b])
    return out


def _exact(plan: Plan, ta: FloatArray, si: IntArray, rows: IntArray) -> FloatArray:
    """(len(si), G): exact rounded utility - reservation of candidate ``rows`` in samples ``si``."""
    c = plan.candidates
    o = ta.shape[2] - len(plan.gating) - 1
    exact = np.einsum("sgo,so->sg", ta[si, :, :o], c.x[rows])
    exact += c.rect[rows][:, list(plan.gating)]
    caps = plan.nominal.gate_caps()
    if caps is not None:
        np.minimum(exact, caps, out=exact)
    out: FloatArray = round_utility(exact) + ta[si, :, -1]  # + (-r)
    return out


def margins(
    plan: Plan,
    ta: FloatArray,
    present: BoolArray,
    cands: IntArray | None = None,
) -> tuple[BoolArray, NDArray[np.floating[Any]]]:
    """Acceptable to all (m, K) and smallest margin (m, K, float32) of candidates ``cands``.

    A float32 product decides every cell whose margin is clearly away from 0; cells within the
    float32 error bound are recomputed in float64 with utilities rounded to PRECISION places, as
    every engine does, so the decisions are exact.
    """
    c = plan.candidates
    xa = c.aug32 if cands is None else c.aug32[:, cands]
    sig = c.sig if cands is None else c.sig[cands]
    margin = _smallest_margins(ta, xa, plan.nominal.gate_caps())
    ok = margin >= 0
    amb = margin <= c.tol32
    amb &= margin >= -c.tol32
    rows = np.flatnonzero(amb.any(axis=1))  # few rows: np.nonzero on all of amb is slow
    if len(rows):
        si, ki = np.nonzero(amb[rows])
        si = rows[si]
        diff = _exact(plan, ta, si, ki if cands is None else cands[ki])
        ok[si, ki] = (diff >= 0).all(axis=1)
        margin[si, ki] = diff.min(axis=1)
    blocked = _blocked(plan, present)
    if blocked is not None:
        for code, a, b in _runs(sig):
            if blocked[:, code].any():
                ok[:, a:b] &= ~blocked[:, code, None]
    return ok, margin


def _best(plan: Plan, margin: NDArray[np.floating[Any]], present: BoolArray) -> FloatArray:
    """Per sample the best smallest margin over the candidates no present red line blocks.

    Positive (or zero) exactly when the zone exists; ``-inf`` when every candidate is blocked.
    """
    blocked = _blocked(plan, present)
    best = np.full(margin.shape[0], -np.inf)
    for code, a, b in _runs(plan.candidates.sig):
        mx = margin[:, a:b].max(axis=1).astype(np.float64)
        if blocked is not None:
            mx[blocked[:, code]] = -np.inf
        np.maximum(best, mx, out=best)
    return best


def _zone_rows(plan: Plan, ta: FloatArray, present: BoolArray, cands: IntArray) -> BoolArray:
    """(m,): some candidate of ``cands`` is acceptable to every gating party, exactly.

    Only the best float32 margin of each sample over the unblocked candidates is needed: above
    the float32 error bound the zone exists, below minus the bound it does not; the few samples
    in between have their near-zero cells recomputed exactly, as in :func:`margins`.
    """
    c = plan.candidates
    tol = c.tol32
    m = ta.shape[0]
    sig = c.sig[cands]
    margin = _smallest_margins(ta, c.aug32[:, cands], plan.nominal.gate_caps())
    blocked = _blocked(plan, present)
    best = np.full(m, -np.inf, dtype=np.float32)
    runs = _runs(sig)
    for code, a, b in runs:
        mx = margin[:, a:b].max(axis=1)
        if blocked is not None:
            mx[blocked[:, code]] = -np.inf
        np.maximum(best, mx, out=best)
    zone: BoolArray = best > tol
    unsure = np.flatnonzero(np.abs(best) <= tol)
    if len(unsure):
        near = margin[unsure] >= -tol
        if blocked is not None:
            for code, a, b in runs:
                near[:, a:b] &= ~blocked[unsure, code, None]
        has = np.flatnonzero(near.any(axis=1))
        si, ki = np.nonzero(near[has])
        si = has[si]
        diff = _exact(plan, ta, unsure[si], cands[ki])
        hit = (diff >= 0).all(axis=1)
        zone[unsure] = np.bincount(si[hit], minlength=len(unsure)) > 0
    return zone


def _batch(plan: Plan) -> int:
    return max(1, _CELLS // max(1, plan.n_candidates * len(plan.gating)))


@one_blas_thread
def answers(
    plan: Plan,
    theta: FloatArray,
    *,
    packages: bool = True,
    witnesses: IntArray | None = None,
) -> SampleAnswers:
    """Exact answers for the samples ``theta`` (m x parameters), every sample solved.

    With ``packages=False`` only the zone is decided (candidates in ``witnesses`` first, default
    the plan's witnesses) and ``package_ok``/``margin``/``best_margin`` are empty.
    """
    t, r = tables(plan, theta)
    m = theta.shape[0]
    present = _present(plan, theta)
    ev, weight, d_acc, d_all = _drafts_and_evidence(plan, t, r, present)
    n = plan.n_candidates if packages else 0
    zone = np.zeros(m, dtype=bool)
    ok_all = np.zeros((m, n), dtype=bool)
    margin_all = np.zeros((m, n))
    best = np.full(m if packages else 0, -np.inf)
    ta = _augmented(plan, t, r)
    if not packages:
        w = plan.candidates.witnesses if witnesses is None else witnesses
        zone = _zone_only(plan, ta, present, w)
    elif plan.n_candidates:
        step = _batch(plan)
        for a0 in range(0, m, step):
            sl = slice(a0, min(m, a0 + step))
            ok, mg = margins(plan, ta[sl], present[sl])
            ok_all[sl] = ok
            margin_all[sl] = mg
            zone[sl] = ok.any(axis=1)
            best[sl] = _best(plan, mg, present[sl])
    return SampleAnswers(weight, ev, zone, d_acc, d_all, ok_all, margin_all, best)


def _drafts_and_evidence(
    plan: Plan, t: FloatArray, r: FloatArray, present: BoolArray
) -> tuple[BoolArray, FloatArray, BoolArray, BoolArray]:
    """Evidence holding (m, E), sample weights (m,), acceptance (m, D, P), all accept (m, D).

    The weight of a sample is the likelihood of the evidence in it: a hard item is 1 where it
    holds and 0 where not; a soft item with confidence c is c where it holds and 1 - c where
    not (a noisy observation). Self-normalised over the samples, these are importance weights
    of the posterior.
    """
    m = t.shape[0]
    ud, d_acc = drafts_answers(plan, t, r, present)
    gate = list(plan.gating)
    d_all = d_acc[:, :, gate].all(axis=2) & plan.drafts.feasible[None, :]
    ev = np.ones((m, len(plan.evidence)), dtype=bool)
    weight = np.ones(m)
    for k, e in enumerate(plan.evidence):
        if e.kind == "prefers":
            ev[:, k] = ud[:, e.draft, e.party] > ud[:, e.over, e.party]
        elif e.kind == "accepts":
            ev[:, k] = d_acc[:, e.draft, e.party]
        else:
            ev[:, k] = ~d_acc[:, e.draft, e.party]
        weight *= np.where(ev[:, k], e.confidence, 1.0 - e.confidence)
    return ev, weight, d_acc, d_all


def _zone_only(plan: Plan, ta: FloatArray, present: BoolArray, w: IntArray) -> BoolArray:
    """Zone existence per sample: witnesses first, every candidate only where they all fail."""
    m = ta.shape[0]
    zone: BoolArray = np.zeros(m, dtype=bool)
    if not plan.n_candidates:
        return zone
    if len(w):
        zone = _zone_rows(plan, ta, present, np.sort(w))
    rest = np.flatnonzero(~zone)
    # samples with high reservations first, so a batch shares a high floor that prunes candidates
    res = -ta[rest, :, -1]
    rest = rest[np.lexsort(res.T[::-1])[::-1]] if len(rest) else rest
    c = plan.candidates
    o = ta.shape[2] - len(plan.gating) - 1
    step = min(_batch(plan), _ZONE_STEP)
    for a0 in range(0, len(rest), step):
        rows = rest[a0 : a0 + step]
        # a candidate whose utility bound is below a party's lowest reservation in the batch
        # cannot be acceptable in any of these samples: exact pruning. The bound is the
        # smaller of the one over the whole uncertainty box and the candidate's utility in the
        # batch's largest table (each option's largest weighted value over these samples)
        floor = -ta[rows, :, -1].max(axis=0)
        top = ta[rows, :, :o].max(axis=0)  # (G, options)
        bound = np.minimum(c.u_max, c.x @ top.T + c.rect[:, list(plan.gating)])
        sub = np.flatnonzero((bound >= floor[None, :] - SLACK).all(axis=1))
        if len(sub) == 0:
            continue
        zone[rows] = _zone_rows(plan, ta[rows], present[rows], sub)
    return zone


@frozen
class Kept:
    """Per-sample data of the kept samples of a block (for global sensitivity and PRIM)."""

    theta: FloatArray  # (k, params)
    weight: FloatArray  # (k,)
    zone: BoolArray  # (k,)
    draft_all: BoolArray  # (k, D)
    best_margin: FloatArray  # (k,) the best candidate's smallest margin


@frozen
class BlockResult:
    """Sums over one block of samples, weighted by the evidence's likelihood.

    With hard evidence only every weight is 0 or 1, so each sum is a count of kept samples.
    ``drawn``/``evidence``/``evidence_pairs`` count drawn samples, unweighted.
    """

    drawn: int
    kept: int  # samples with a positive weight
    weight: float  # sum of the weights
    weight2: float  # sum of the squared weights (effective sample size)
    zone: float
    evidence: IntArray  # (E,) samples in which each item holds (of drawn)
    evidence_pairs: IntArray  # (E, E) samples in which both hold
    draft_accept: FloatArray  # (D, P)
    draft_all: FloatArray  # (D,)
    package_ok: FloatArray  # (N,) in "full" mode
    margin: FloatArray  # (N,) weighted sum of min margins (float32 products) in "full" mode
    present: FloatArray  # (params,) weight of the samples where the parameter is 1 (red lines)
    below: FloatArray  # (G, K) "below" mode: package k below the party's reservation
    exact_margin: FloatArray  # (K,) "below" mode: weighted sum of exact min margins
    samples: Kept | None = None  # "full" mode: the kept samples themselves


Task = tuple[int, int, int, float, str]


@one_blas_thread
def run_block(plan: Plan, task: Task, packages: IntArray | None = None) -> BlockResult:
    """Evaluate block ``b`` (``rows`` samples) of the stream.

    ``mode`` is ``full`` (every candidate counted, the kept samples returned), ``zone`` (zone
    existence only, with the candidates ``packages`` tried first; parameter ``j`` fixed to ``x``
    when j >= 0) or ``below`` (per gating party, how often the candidates ``packages`` fall
    below the reservation). The answers never depend on ``packages`` in ``zone`` mode, only the
    speed. Only kept samples (a positive evidence weight) are solved.
    """
    b, rows, j, x, mode = task
    theta = plan.sampler.block(plan.seed, b, rows)
    if j >= 0:
        theta[:, j] = x
    t_all, r_all = tables(plan, theta)
    present_all = _present(plan, theta)
    ev, w_all, d_acc, d_all = _drafts_and_evidence(plan, t_all, r_all, present_all)
    kept = w_all > 0
    w = w_all[kept]
    t, r, present = t_all[kept], r_all[kept], present_all[kept]
    ta = _augmented(plan, t, r)
    m = ta.shape[0]
    n = plan.n_candidates
    g = len(plan.gating)
    zone = 0.0
    ok_sum = np.zeros(n if mode == "full" else 0)
    margin_sum = np.zeros(n if mode == "full" else 0)
    below = np.zeros((g, 0))
    exact_margin = np.zeros(0)
    samples = None
    if mode == "full":
        zone_s = np.zeros(m, dtype=bool)
        best = np.full(m, -np.inf)
        step = _batch(plan)
        for a0 in range(0, m if n else 0, step):
            sl = slice(a0, min(m, a0 + step))
            ok, mg = margins(plan, ta[sl], present[sl])
            zone_s[sl] = ok.any(axis=1)
            best[sl] = _best(plan, mg, present[sl])
            ok_sum += w[sl] @ ok
            margin_sum += w[sl].astype(np.float32) @ mg
        zone = float(w @ zone_s)
        samples = Kept(theta[kept], w, zone_s, d_all[kept], best)
    elif mode == "zone":
        wit = plan.candidates.witnesses if packages is None else packages
        zone = float(w @ _zone_only(plan, ta, present, wit))
    elif mode == "below" and packages is not None and len(packages):
        gate = list(plan.gating)
        c = plan.candidates
        u = np.einsum("mgo,ko->mgk", t[:, gate, :], c.x[packages]) + c.rect[packages][:, gate].T
        caps = plan.nominal.gate_caps()
        if caps is not None:
            np.minimum(u, caps[None, :, None], out=u)
        diff = round_utility(u) - r[:, gate, None]
        below = np.einsum("m,mgk->gk", w, (diff < 0).astype(np.float64))
        exact_margin = w @ diff.min(axis=1)
    evi = ev.astype(np.int64)
    return BlockResult(
        drawn=rows,
        kept=int(kept.sum()),
        weight=float(w.sum()),
        weight2=float((w * w).sum()),
        zone=zone,
        evidence=evi.sum(axis=0),
        evidence_pairs=evi.T @ evi,
        draft_accept=np.einsum("m,mdp->dp", w, d_acc[kept].astype(np.float64)),
        draft_all=w @ d_all[kept].astype(np.float64),
        package_ok=ok_sum,
        margin=np.round(margin_sum, F32_DIGITS),
        present=w @ (theta[kept] > 0.5).astype(np.float64),
        below=below,
        exact_margin=exact_margin,
        samples=samples,
    )


def tasks(
    samples: int, mode: str = "full", column: int = -1, value: float = math.nan
) -> list[Task]:
    """The blocks of the first ``samples`` samples, each a task for :func:`run_block`."""
    return [
        (b, min(BLOCK, samples - b * BLOCK), column, value, mode)
        for b in range((samples + BLOCK - 1) // BLOCK)
    ]
