"""Exact per-sample answers, vectorised across samples and packages.

A :class:`Plan` holds plain NumPy arrays (it pickles cheaply to worker processes and Dask):

- the *candidates*: every package that satisfies the scenario constraints and every certain red
  line of every gating party (the only packages that can be in a sample's zone), as a one-hot
  matrix ``X`` (candidates x all options) and their option indices;
- each party's nominal raw weights, option values and reservation, and where each uncertain
  parameter goes.

For a batch of ``m`` samples the weighted-value tables of every party are one ``(m, options)``
array ``T``, so the utilities of every candidate in every sample are one matrix product
``T @ X.T`` per party, rounded to :data:`zopa.model.compiled.PRECISION` places like every engine.
A sample's zone exists when some candidate meets every gating party's reservation and breaks no
red line present in that sample: exact, no sampling of packages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zopa.errors import AnalysisError
from zopa.model.compiled import PRECISION, CompiledScenario, compile_scenario
from zopa.model.expr import Formula, evaluate
from zopa.model.scenario import Scenario
from zopa.robust.params import Parameter, draw_block, parameters

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

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything a worker needs to evaluate blocks of samples (NumPy arrays only)."""

    seed: int
    params: tuple[Parameter, ...]
    party_ids: tuple[str, ...]  # parties with preferences
    gating: tuple[int, ...]  # indices into party_ids
    sizes: tuple[int, ...]
    offsets: IntArray  # first option column of each issue
    option_issue: IntArray  # issue of each option column
    weights0: (
        FloatArray  # (P, I): raw weights where a party's weights are uncertain, else normalised
    )
    reweigh: BoolArray  # (P,): normalise weights per sample
    values0: FloatArray  # (P, O)
    reservation0: FloatArray  # (P,)
    cand_idx: IntArray  # (N, I) option indices of the candidates
    cand_x: FloatArray  # (N, O) one-hot
    cand_rect: FloatArray  # (N, P) hyper-rectangle utilities
    draft_idx: IntArray  # (D, I)
    draft_x: FloatArray  # (D, O)
    draft_rect: FloatArray  # (D, P)
    draft_feasible: BoolArray  # (D,)
    draft_certain_ok: BoolArray  # (D, P): breaks no certain red line
    # uncertain red lines: (party, parameter column, broken by candidate, broken by draft)
    red: tuple[tuple[int, int, BoolArray, BoolArray], ...]
    # parameter columns: (kind code, party, issue or -1, option column or -1)
    columns: tuple[tuple[str, int, int, int], ...]
    # numeric value curves: (party, issue, basis (options x points), nominal ys, {point: column})
    curves: tuple[tuple[int, int, FloatArray, FloatArray, dict[int, int]], ...]
    # evidence: (kind, party, draft a, draft b or -1)
    evidence: tuple[tuple[str, int, int, int], ...]
    cand_sig: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    sig_breaks: BoolArray = field(default_factory=lambda: np.zeros((1, 0), dtype=bool))
    witnesses: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cand_aug32: NDArray[np.float32] = field(
        default_factory=lambda: np.zeros((0, 0), dtype=np.float32)
    )
    tol32: float = 1e-5
    u_max: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))  # (N, G) utility bounds
    feasible_count: int = 0
    pruned: int = 0  # candidates dropped: never acceptable to some gating party

    @property
    def n_candidates(self) -> int:
        return int(self.cand_idx.shape[0])


def make_plan(scenario: Scenario, seed: int) -> Plan:
    """Compile ``scenario`` for sampling; raises :class:`AnalysisError` past the limits."""
    cs = compile_scenario(scenario)
    params = parameters(scenario)
    pids = cs.party_ids
    gate = tuple(int(g) for g in cs.gating_index)
    sizes = cs.sizes
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    n_opt = int(sum(sizes))
    option_issue = np.repeat(np.arange(len(sizes)), sizes).astype(np.int64)
    prefs = [scenario.party(p).preferences for p in pids]
    issue_ids = [i.id for i in scenario.issues]
    weights0 = np.zeros((len(pids), len(sizes)))
    reweigh = np.zeros(len(pids), dtype=bool)
    values0 = np.zeros((len(pids), n_opt))
    for p, pr in enumerate(prefs):
        assert pr is not None
        has_w = pr.uncertainty is not None and bool(pr.uncertainty.weights)
        reweigh[p] = has_w
        for i, iid in enumerate(issue_ids):
            if has_w:
                assert pr.uncertainty is not None
                weights0[p, i] = pr.uncertainty.raw_weights[iid]
            else:
                weights0[p, i] = pr.weights[iid]
            values0[p, offsets[i] : offsets[i] + sizes[i]] = pr.values[iid]
    reservation0 = np.array([pr.reservation for pr in prefs if pr is not None], dtype=np.float64)

    col_of = {prm.name: j for j, prm in enumerate(params)}
    columns: list[tuple[str, int, int, int]] = []
    curves: dict[tuple[int, int], dict[int, int]] = {}
    for prm in params:
        p = pids.index(prm.party)
        i = issue_ids.index(prm.issue) if prm.issue is not None else -1
        opt = -1
        if prm.kind == "value" and prm.key is not None:
            iss = scenario.issues[i]
            if iss.numeric:
                pr = prefs[p]
                assert pr is not None and pr.uncertainty is not None
                pxs = [x for x, _ in pr.uncertainty.curves[iss.id]]
                k = min(range(len(pxs)), key=lambda j: abs(pxs[j] - float(prm.key or 0)))
                curves.setdefault((p, i), {})[k] = col_of[prm.name]
                columns.append(("curve", p, i, -1))
                continue
            opt = int(offsets[i]) + iss.option_ids.index(prm.key)
        columns.append((prm.kind, p, i, opt))
    curve_list = []
    for (p, i), cols in curves.items():
        pr = prefs[p]
        assert pr is not None and pr.uncertainty is not None
        pts = pr.uncertainty.curves[issue_ids[i]]
        xs = np.array([x for x, _ in pts])
        grid = np.array(scenario.issues[i].numbers or (), dtype=float)
        basis = np.stack([np.interp(grid, xs, np.eye(len(xs))[j]) for j in range(len(xs))], 1)
        curve_list.append((p, i, basis, np.array([y for _, y in pts]), cols))

    certain, uncertain = _red_lines(cs, params)
    cand, feasible_count = _candidates(cs, [certain[g] for g in gate])
    drafts = [scenario.indices(d.package) for d in scenario.drafts]
    draft_idx = np.asarray(drafts, dtype=np.int64).reshape(len(drafts), len(sizes))
    # as in `zopa evaluate`, a draft that breaks a scenario constraint is acceptable to nobody
    d_ok = np.repeat(cs.feasible(draft_idx)[:, None], len(pids), axis=1)
    for p in range(len(pids)):
        for f in certain[p]:
            d_ok[:, p] &= evaluate(f, draft_idx, sizes)
    cand_x = _one_hot(cand, offsets, n_opt)
    cand_rect = _rects(cs, cand)
    keep, u_max = _possible(
        scenario, params, gate, weights0, reweigh, values0, cand_x, cand_rect, prefs
    )
    pruned = int((~keep).sum())
    cand, cand_x, cand_rect, u_max = cand[keep], cand_x[keep], cand_rect[keep], u_max[keep]
    red = tuple(
        (p, col, ~evaluate(f, cand, sizes), ~evaluate(f, draft_idx, sizes))
        for p, col, f in uncertain
    )
    gating_red = np.array([p in gate for p, _, _, _ in red], dtype=bool)
    breaks = (
        np.stack([b for _, _, b, _ in red], axis=1) & gating_red[None, :]
        if red
        else np.zeros((len(cand), 0), dtype=bool)
    )
    sig_breaks, cand_sig = np.unique(breaks, axis=0, return_inverse=True)
    if len(cand) == 0:
        sig_breaks = np.zeros((1, len(red)), dtype=bool)
        cand_sig = np.zeros(0, dtype=np.int64)
    nominal = (cs.utilities(cand)[:, list(gate)] - cs.reservation[list(gate)]).min(axis=1)
    witnesses = np.argsort(-nominal, kind="stable")[:32].astype(np.int64)
    did = [d.id for d in scenario.drafts]
    evidence = tuple(
        (
            e.kind,
            pids.index(e.party),
            did.index(e.draft),
            did.index(e.over) if e.over is not None else -1,
        )
        for e in scenario.evidence
    )
    return Plan(
        seed=seed,
        params=params,
        party_ids=pids,
        gating=gate,
        sizes=sizes,
        offsets=offsets,
        option_issue=option_issue,
        weights0=weights0,
        reweigh=reweigh,
        values0=values0,
        reservation0=np.round(reservation0, PRECISION),
        cand_idx=cand,
        cand_x=cand_x,
        cand_rect=cand_rect,
        draft_idx=draft_idx,
        draft_x=_one_hot(draft_idx, offsets, n_opt),
        draft_rect=_rects(cs, draft_idx),
        draft_feasible=cs.feasible(draft_idx),
        draft_certain_ok=d_ok,
        red=red,
        columns=tuple(columns),
        curves=tuple(curve_list),
        evidence=evidence,
        cand_sig=np.asarray(cand_sig, dtype=np.int64).reshape(-1),
        sig_breaks=np.asarray(sig_breaks, dtype=bool),
        witnesses=witnesses,
        cand_aug32=np.ascontiguousarray(
            np.concatenate(
                [cand_x, cand_rect[:, list(gate)], np.ones((len(cand), 1))], axis=1
            ).astype(np.float32)
        ),
        tol32=_tol32(cand_rect, gate, len(sizes)),
        u_max=u_max,
        feasible_count=feasible_count,
        pruned=pruned,
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
    gate: tuple[int, ...],
    weights0: FloatArray,
    reweigh: BoolArray,
    values0: FloatArray,
    cand_x: FloatArray,
    cand_rect: FloatArray,
    prefs: list[Any],
) -> tuple[BoolArray, FloatArray]:
    """Candidates that some sample could make acceptable to every gating party.

    An upper bound of each gating party's utility over the whole uncertainty box (values at the
    top of their ranges; the raw weights at the vertex that maximises the weighted mean, found by
    trying every split of the issues sorted by value) is compared with the lowest reservation.
    A candidate below it for some party has probability exactly 0 and is dropped. Also returns
    the bounds (candidates x gating parties), which prune the zone-only scans further.
    """
    n = cand_x.shape[0]
    keep = np.ones(n, dtype=bool)
    bounds = np.full((n, len(gate)), np.inf)
    if n == 0:
        return keep, bounds
    pids = [pr for pr in prefs]
    del pids
    sizes = [len(i.options) for i in scenario.issues]
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    by_party: dict[str, list[Parameter]] = {}
    for prm in params:
        by_party.setdefault(prm.party, []).append(prm)
    party_ids = [p.id for p in scenario.with_preferences]
    for g in gate:
        pid = party_ids[g]
        mine = by_party.get(pid, [])
        v_hi = values0[g].copy()
        for prm in mine:
            if prm.kind != "value" or prm.issue is None or prm.key is None:
                continue
            i = [x.id for x in scenario.issues].index(prm.issue)
            iss = scenario.issues[i]
            if iss.numeric:
                pr = prefs[g]
                pts = pr.uncertainty.curves[iss.id]
                xs = np.array([x for x, _ in pts])
                ys = np.array([y for _, y in pts])
                for q in mine:
                    if q.kind == "value" and q.issue == iss.id and q.key is not None:
                        k = int(np.argmin(np.abs(xs - float(q.key))))
                        ys[k] = q.high
                grid = np.array(iss.numbers or (), dtype=float)
                v_hi[offsets[i] : offsets[i] + sizes[i]] = np.interp(grid, xs, ys)
            else:
                v_hi[offsets[i] + iss.option_ids.index(prm.key)] = prm.high
        # best value of each candidate on each issue: (N, I)
        a = np.stack(
            [
                cand_x[:, offsets[i] : offsets[i] + sizes[i]]
                @ v_hi[offsets[i] : offsets[i] + sizes[i]]
                for i in range(len(sizes))
            ],
            axis=1,
        )
        if reweigh[g]:
            lo = weights0[g].copy()
            hi = weights0[g].copy()
            for prm in mine:
                if prm.kind == "weight" and prm.issue is not None:
                    i = [x.id for x in scenario.issues].index(prm.issue)
                    lo[i], hi[i] = prm.low, prm.high
            order = np.argsort(-a, axis=1, kind="stable")
            a_s = np.take_along_axis(a, order, axis=1)
            lo_s, hi_s = lo[order], hi[order]
            # top k issues at their high weight, the rest at their low weight, k = 0..I
            top_num = np.concatenate([np.zeros((n, 1)), np.cumsum(a_s * hi_s, axis=1)], axis=1)
            top_den = np.concatenate([np.zeros((n, 1)), np.cumsum(hi_s, axis=1)], axis=1)
            rest_num = np.concatenate(
                [np.cumsum((a_s * lo_s)[:, ::-1], axis=1)[:, ::-1], np.zeros((n, 1))], axis=1
            )
            rest_den = np.concatenate(
                [np.cumsum(lo_s[:, ::-1], axis=1)[:, ::-1], np.zeros((n, 1))], axis=1
            )
            den = top_den + rest_den
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(den > 0, (top_num + rest_num) / np.where(den > 0, den, 1), -np.inf)
            u_max = ratio.max(axis=1)
        else:
            u_max = a @ weights0[g]
        u_max = u_max + np.maximum(cand_rect[:, g], cand_rect[:, g])
        r_lo = float(prefs[g].reservation)
        for prm in mine:
            if prm.kind == "reservation":
                r_lo = prm.low
        keep &= u_max >= r_lo - 1e-9
        bounds[:, gate.index(g)] = u_max
    return keep, bounds


def _red_lines(
    cs: CompiledScenario, params: tuple[Parameter, ...]
) -> tuple[list[list[Formula]], list[tuple[int, int, Formula]]]:
    """Per party the certain red-line formulas; and (party, column, formula) of uncertain ones."""
    certain: list[list[Formula]] = [[] for _ in cs.party_ids]
    uncertain: list[tuple[int, int, Formula]] = []
    col = {(p.party, p.key): j for j, p in enumerate(params) if p.kind == "red_line"}
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


def tables(plan: Plan, theta: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weighted-value tables (m, P, O), reservations (m, P), red-line presence (m, params)."""
    m = theta.shape[0]
    w = np.broadcast_to(plan.weights0, (m, *plan.weights0.shape)).copy()
    v = np.broadcast_to(plan.values0, (m, *plan.values0.shape)).copy()
    r = np.broadcast_to(plan.reservation0, (m, len(plan.party_ids))).copy()
    for j, (kind, p, i, opt) in enumerate(plan.columns):
        if kind == "reservation":
            r[:, p] = np.round(theta[:, j], PRECISION)
        elif kind == "weight":
            w[:, p, i] = theta[:, j]
        elif kind == "value":
            v[:, p, opt] = theta[:, j]
    for p, i, basis, ys0, cols in plan.curves:
        ys = np.broadcast_to(ys0, (m, len(ys0))).copy()
        for k, j in cols.items():
            ys[:, k] = theta[:, j]
        a = int(plan.offsets[i])
        v[:, p, a : a + plan.sizes[i]] = ys @ basis.T
    for q in np.flatnonzero(plan.reweigh):
        w[:, q, :] /= w[:, q, :].sum(axis=1, keepdims=True)
    t = v * w[:, :, plan.option_issue]
    return t, r, theta


@dataclass(frozen=True)
class SampleAnswers:
    """Per-sample answers of a batch of ``m`` samples (``N`` candidates, ``D`` drafts)."""

    kept: BoolArray  # (m,) every evidence item holds
    evidence: BoolArray  # (m, E)
    zone: BoolArray  # (m,)
    draft_accept: BoolArray  # (m, D, P) party accepts draft
    draft_all: BoolArray  # (m, D) every gating party accepts and the draft is feasible
    package_ok: BoolArray  # (m, N) candidate acceptable to every gating party (if asked)
    margin: FloatArray  # (m, N) min over gating parties of utility - reservation (if asked)


def _present(plan: Plan, theta: FloatArray) -> BoolArray:
    """(m, R): uncertain red line r (of ``plan.red``) is present in the sample."""
    cols = [col for _, col, _, _ in plan.red]
    return theta[:, cols] > 0.5 if cols else np.zeros((theta.shape[0], 0), dtype=bool)


def drafts_answers(
    plan: Plan, t: FloatArray, r: FloatArray, present: BoolArray
) -> tuple[FloatArray, BoolArray]:
    """Utilities (m, D, P) and acceptance (m, D, P) of the drafts."""
    ud = np.round(np.einsum("mpo,do->mdp", t, plan.draft_x) + plan.draft_rect, PRECISION)
    acc = (ud >= r[:, None, :]) & plan.draft_certain_ok[None, :, :]
    for k, (p, _, _, broken_d) in enumerate(plan.red):
        acc[:, :, p] &= ~(present[:, k, None] & broken_d[None, :])
    return ud, acc


def _augmented(plan: Plan, t: FloatArray, r: FloatArray) -> FloatArray:
    """Tables of the gating parties with a hyper-rectangle column per party and ``-r``.

    With :attr:`Plan.cand_aug` (``[one-hot | rects | 1]``), one product gives utility minus
    reservation for every (sample, party, candidate).
    """
    gate = list(plan.gating)
    m, g = t.shape[0], len(gate)
    out = np.zeros((m, g, t.shape[2] + g + 1))
    out[:, :, : t.shape[2]] = t[:, gate, :]
    out[:, np.arange(g), t.shape[2] + np.arange(g)] = 1.0
    out[:, :, -1] = -r[:, gate]
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
    xa = plan.cand_aug32 if cands is None else plan.cand_aug32[cands]
    sig = plan.cand_sig if cands is None else plan.cand_sig[cands]
    m, g, width = ta.shape
    k = xa.shape[0]
    u = (ta.astype(np.float32).reshape(m * g, width) @ xa.T).reshape(m, g, k)
    margin = u[:, 0, :].copy()
    for gi in range(1, g):
        np.minimum(margin, u[:, gi, :], out=margin)
    ok = margin >= 0
    amb = np.abs(margin) <= plan.tol32
    if amb.any():
        si, ki = np.nonzero(amb)
        rows = ki if cands is None else cands[ki]
        o = width - g - 1
        tg = ta[si, :, :o]
        exact = np.einsum("sgo,so->sg", tg, plan.cand_x[rows])
        exact += plan.cand_rect[rows][:, list(plan.gating)]
        diff = np.round(exact, PRECISION) + ta[si, :, -1]  # + (-r)
        ok[si, ki] = (diff >= 0).all(axis=1)
        margin[si, ki] = diff.min(axis=1)
    if plan.sig_breaks.shape[1]:
        blocked = (present.astype(np.float64) @ plan.sig_breaks.T.astype(np.float64)) > 0
        ok &= ~blocked[:, sig]
    return ok, margin


def _batch(plan: Plan) -> int:
    return max(1, _CELLS // max(1, plan.n_candidates * len(plan.gating)))


def answers(
    plan: Plan,
    theta: FloatArray,
    *,
    packages: bool = True,
    witnesses: IntArray | None = None,
) -> SampleAnswers:
    """Exact answers for the samples ``theta`` (m x parameters).

    With ``packages=False`` only the zone is decided (candidates in ``witnesses`` first, default
    ``plan.witnesses``) and ``package_ok``/``margin`` are empty.
    """
    t, r, _ = tables(plan, theta)
    m = theta.shape[0]
    present = _present(plan, theta)
    ev, kept, d_acc, d_all = _drafts_and_evidence(plan, t, r, present)
    n = plan.n_candidates if packages else 0
    zone = np.zeros(m, dtype=bool)
    ok_all = np.zeros((m, n), dtype=bool)
    margin_all = np.zeros((m, n))
    ta = _augmented(plan, t, r)
    if not packages:
        w = plan.witnesses if witnesses is None else witnesses
        zone = _zone_only(plan, ta, present, w)
    elif plan.n_candidates:
        step = _batch(plan)
        for a0 in range(0, m, step):
            sl = slice(a0, min(m, a0 + step))
            ok, mg = margins(plan, ta[sl], present[sl])
            ok_all[sl] = ok
            margin_all[sl] = mg
            zone[sl] = ok.any(axis=1)
    return SampleAnswers(kept, ev, zone, d_acc, d_all, ok_all, margin_all)


def _drafts_and_evidence(
    plan: Plan, t: FloatArray, r: FloatArray, present: BoolArray
) -> tuple[BoolArray, BoolArray, BoolArray, BoolArray]:
    m = t.shape[0]
    ud, d_acc = drafts_answers(plan, t, r, present)
    gate = list(plan.gating)
    d_all = d_acc[:, :, gate].all(axis=2) & plan.draft_feasible[None, :]
    ev = np.ones((m, len(plan.evidence)), dtype=bool)
    for k, (kind, p, a, b) in enumerate(plan.evidence):
        if kind == "prefers":
            ev[:, k] = ud[:, a, p] > ud[:, b, p]
        elif kind == "accepts":
            ev[:, k] = d_acc[:, a, p]
        else:
            ev[:, k] = ~d_acc[:, a, p]
    kept: BoolArray = np.asarray(ev.all(axis=1))
    return ev, kept, d_acc, d_all


def _zone_only(plan: Plan, ta: FloatArray, present: BoolArray, w: IntArray) -> BoolArray:
    """Zone existence per sample: witnesses first, every candidate only where they all fail."""
    m = ta.shape[0]
    zone: BoolArray = np.zeros(m, dtype=bool)
    if not plan.n_candidates:
        return zone
    if len(w):
        ok, _ = margins(plan, ta, present, w)
        zone = np.asarray(ok.any(axis=1))
    rest = np.flatnonzero(~zone)
    # samples with high reservations first, so a batch shares a high floor that prunes candidates
    res = -ta[rest, :, -1]
    rest = rest[np.lexsort(res.T[::-1])[::-1]] if len(rest) else rest
    step = _batch(plan)
    for a0 in range(0, len(rest), step):
        rows = rest[a0 : a0 + step]
        # a candidate whose utility bound is below a party's lowest reservation in the batch
        # cannot be acceptable in any of these samples: exact pruning
        floor = -ta[rows, :, -1].max(axis=0)
        sub = np.flatnonzero((plan.u_max >= floor[None, :] - 1e-9).all(axis=1))
        if len(sub) == 0:
            continue
        ok, _ = margins(plan, ta[rows], present[rows], sub)
        zone[rows] = ok.any(axis=1)
    return zone


@dataclass(frozen=True)
class BlockResult:
    """Counts over one block of samples (kept samples only, except ``drawn``/``evidence``)."""

    drawn: int
    kept: int
    zone: int
    evidence: IntArray  # (E,) samples in which each item holds (of drawn)
    evidence_pairs: IntArray  # (E, E) samples in which both hold
    draft_accept: IntArray  # (D, P)
    draft_all: IntArray  # (D,)
    package_ok: IntArray  # (N,) in "full" mode
    margin: FloatArray  # (N,) sum of min margins (float32 products), rounded to 6 places
    present: IntArray  # (params,) kept samples where the parameter is 1 (red lines)
    below: IntArray  # (G, K) "below" mode: package k below the party's reservation
    exact_margin: FloatArray  # (K,) "below" mode: sum of exact min margins


Task = tuple[int, int, int, float, str]


def run_block(plan: Plan, task: Task, packages: IntArray | None = None) -> BlockResult:
    """Evaluate block ``b`` (``rows`` samples) of the stream.

    ``mode`` is ``full`` (every candidate counted), ``zone`` (zone existence only, with the
    candidates ``packages`` tried first; parameter ``j`` fixed to ``x`` when j >= 0) or
    ``below`` (per gating party, how often the candidates ``packages`` fall below the
    reservation). The answers never depend on ``packages`` in ``zone`` mode, only the speed.
    Only kept samples (every evidence item holds) are solved.
    """
    b, rows, j, x, mode = task
    theta = draw_block(plan.params, plan.seed, b, rows)
    if j >= 0:
        theta[:, j] = x
    t_all, r_all, _ = tables(plan, theta)
    present_all = _present(plan, theta)
    ev, kept, d_acc, d_all = _drafts_and_evidence(plan, t_all, r_all, present_all)
    t, r, present = t_all[kept], r_all[kept], present_all[kept]
    ta = _augmented(plan, t, r)
    m = ta.shape[0]
    n = plan.n_candidates
    g = len(plan.gating)
    zone = 0
    ok_count = np.zeros(n if mode == "full" else 0, dtype=np.int64)
    margin_sum = np.zeros(n if mode == "full" else 0)
    below = np.zeros((g, 0), dtype=np.int64)
    exact_margin = np.zeros(0)
    if mode == "full" and n:
        step = _batch(plan)
        for a0 in range(0, m, step):
            sl = slice(a0, min(m, a0 + step))
            ok, mg = margins(plan, ta[sl], present[sl])
            zone += int(ok.any(axis=1).sum())
            ok_count += ok.sum(axis=0)
            margin_sum += np.add.reduce(mg, axis=0, dtype=np.float64)
    elif mode == "zone":
        w = plan.witnesses if packages is None else packages
        zone = int(_zone_only(plan, ta, present, w).sum())
    elif mode == "below" and packages is not None and len(packages):
        gate = list(plan.gating)
        xs = plan.cand_x[packages]
        u = np.einsum("mgo,ko->mgk", t[:, gate, :], xs) + plan.cand_rect[packages][:, gate].T
        diff = np.round(u, PRECISION) - r[:, gate, None]
        below = (diff < 0).sum(axis=0).astype(np.int64)
        exact_margin = diff.min(axis=1).sum(axis=0)
    evi = ev.astype(np.int64)
    return BlockResult(
        drawn=rows,
        kept=int(kept.sum()),
        zone=zone,
        evidence=evi.sum(axis=0),
        evidence_pairs=evi.T @ evi,
        draft_accept=d_acc[kept].sum(axis=0).astype(np.int64),
        draft_all=d_all[kept].sum(axis=0).astype(np.int64),
        package_ok=ok_count,
        margin=np.round(margin_sum, 6),
        present=(theta[kept] > 0.5).sum(axis=0).astype(np.int64),
        below=below,
        exact_margin=exact_margin,
    )


def tasks(
    samples: int, mode: str = "full", column: int = -1, value: float = math.nan
) -> list[Task]:
    """The blocks of the first ``samples`` samples, each a task for :func:`run_block`."""
    from zopa.robust.params import BLOCK

    return [
        (b, min(BLOCK, samples - b * BLOCK), column, value, mode)
        for b in range((samples + BLOCK - 1) // BLOCK)
    ]
