"""Preferences from comparisons of whole packages: an additive model fitted by linear
programming, in the manner of UTA (Jacquet-Lagrèze & Siskos, 1982).

The delegation ranks (or picks the better of pairs of) a handful of packages that
:func:`propose` chooses to differ on many issues. :func:`fit` looks for marginal utilities
u[i, o] >= 0 with u[i, o] <= w_i and sum_i w_i = 1 (every additive model, up to a positive
scale and a constant per issue, has this form) such that every answer "a over b" holds as
U(a) - U(b) >= eps, and maximises eps with HiGHS:

- eps* > 0: the answers are consistent with an additive model. A second LP keeps
  eps >= eps*/2 and moves as little as possible (L1) from a prior model (the delegation's form,
  or a flat model), so the model shown back is the closest one that agrees with every answer.
- eps* <= 0: no additive model agrees with all answers. A small MILP finds the fewest answers
  whose reversal makes the rest consistent: the pairs to revisit.

The fitted marginal utilities are then written as the form's words: per issue, its range is
its importance (out of 100) and each option's rating is its place in that range (0..100).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field

import highspy
import numpy as np

from zopa.errors import AnalysisError
from zopa.model.scenario import Scenario
from zopa.records import frozen

__all__ = ["Fit", "choices_from_ranking", "fit", "next_pair", "open_pairs", "propose"]

_GAP = 1e-4  # the least utility gap an answer needs in the MILP that finds what to revisit
_CONSISTENT = 1e-7
_TIE_DIGITS = 9  # margins equal to this many digits are a tie (broken by the pair)


@frozen
class Fit:
    """The fitted model. ``weights`` sum to 1; ``values[issue][option]`` lie in [0, 1] (0 the
    worst, 1 the best option of the issue); ``revisit`` lists the indices of the answers to
    look at again when ``consistent`` is false."""

    consistent: bool
    margin: float
    weights: dict[str, float]
    values: dict[str, dict[str, float]]
    revisit: tuple[int, ...] = ()
    answers: tuple[tuple[int, int], ...] = field(default=())

    def utility(self, package: Mapping[str, str]) -> float:
        return sum(self.weights[i] * self.values[i][str(o)] for i, o in package.items())


def choices_from_ranking(order: Sequence[int]) -> list[tuple[int, int]]:
    """A ranking (best first) as answers "a over b" between neighbours."""
    return [(order[k], order[k + 1]) for k in range(len(order) - 1)]


class _Cols:
    def __init__(self, scenario: Scenario) -> None:
        self.issues = [(i.id, list(i.option_ids)) for i in scenario.issues]
        self.u: dict[tuple[str, str], int] = {}
        n = 0
        for iid, opts in self.issues:
            for o in opts:
                self.u[(iid, o)] = n
                n += 1
        self.w = {iid: n + k for k, (iid, _) in enumerate(self.issues)}
        self.n = n + len(self.issues)


def _highs() -> highspy.Highs:
    from zopa.analysis.milp import quiet_stdout

    with quiet_stdout():
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    return h


def _base(h: highspy.Highs, cols: _Cols, extra: int) -> None:
    """Columns u (in [0, 1]), w (in [0, 1]) and ``extra`` more; u <= w; sum w = 1."""
    n = cols.n + extra
    h.addVars(n, np.zeros(n), np.ones(n))
    for (iid, _), c in cols.u.items():
        h.addRow(-highspy.kHighsInf, 0.0, 2, np.array([c, cols.w[iid]], np.int32), [1.0, -1.0])
    ws = np.array(list(cols.w.values()), np.int32)
    h.addRow(1.0, 1.0, len(ws), ws, np.ones(len(ws)))


def _difference(cols: _Cols, a: Mapping[str, str], b: Mapping[str, str]) -> dict[int, float]:
    row: dict[int, float] = {}
    for iid, _ in cols.issues:
        ca, cb = cols.u[(iid, str(a[iid]))], cols.u[(iid, str(b[iid]))]
        if ca != cb:
            row[ca] = row.get(ca, 0.0) + 1.0
            row[cb] = row.get(cb, 0.0) - 1.0
    return row


def _add(h: highspy.Highs, row: Mapping[int, float], lo: float, hi: float) -> None:
    idx = np.array(list(row), np.int32)
    h.addRow(lo, hi, len(idx), idx, np.array(list(row.values()), np.float64))


def _solve(h: highspy.Highs, sense: highspy.ObjSense) -> np.ndarray:
    from zopa.analysis.milp import quiet_stdout

    h.changeObjectiveSense(sense)
    with quiet_stdout():
        h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise AnalysisError(f"HiGHS stopped with status {h.modelStatusToString(status)}")
    return np.asarray(h.getSolution().col_value, dtype=np.float64)


def fit(
    scenario: Scenario,
    packages: Sequence[Mapping[str, str]],
    answers: Sequence[tuple[int, int]],
    prior: Fit | None = None,
) -> Fit:
    """An additive model in which package ``a`` beats package ``b`` for every answer
    ``(a, b)`` (indices into ``packages``), or the answers to revisit when there is none."""
    cols = _Cols(scenario)
    diffs = [_difference(cols, packages[a], packages[b]) for a, b in answers]
    # 1. the largest margin eps by which every answer can hold
    h = _highs()
    _base(h, cols, 1)
    eps = cols.n
    h.changeColBounds(eps, -1.0, 1.0)
    h.changeColCost(eps, 1.0)
    for d in diffs:
        _add(h, {**d, eps: -1.0}, 0.0, highspy.kHighsInf)
    x = _solve(h, highspy.ObjSense.kMaximize)
    margin = float(x[eps])
    if margin <= _CONSISTENT:
        return _inconsistent(scenario, cols, diffs, margin, tuple(answers))
    # 2. the model closest to the prior that keeps every answer with half that margin
    h = _highs()
    m = len(cols.u)
    _base(h, cols, 2 * m)
    target = _prior(scenario, prior)
    for k, (key, c) in enumerate(cols.u.items()):
        plus, minus = cols.n + 2 * k, cols.n + 2 * k + 1
        _add(h, {c: 1.0, plus: -1.0, minus: 1.0}, target[key], target[key])
        h.changeColCost(plus, 1.0)
        h.changeColCost(minus, 1.0)
    for d in diffs:
        _add(h, d, margin / 2, highspy.kHighsInf)
    x = _solve(h, highspy.ObjSense.kMinimize)
    weights, values = _normalise(cols, x)
    return Fit(True, margin, weights, values, (), tuple(answers))


def _margin(cols: _Cols, diffs: Sequence[Mapping[int, float]]) -> float:
    """The largest eps by which every difference can be at least eps (above 0: consistent)."""
    h = _highs()
    _base(h, cols, 1)
    eps = cols.n
    h.changeColBounds(eps, -1.0, 1.0)
    h.changeColCost(eps, 1.0)
    for d in diffs:
        _add(h, {**d, eps: -1.0}, 0.0, highspy.kHighsInf)
    return float(_solve(h, highspy.ObjSense.kMaximize)[eps])


def open_pairs(
    scenario: Scenario,
    packages: Sequence[Mapping[str, str]],
    answers: Sequence[tuple[int, int]],
) -> dict[tuple[int, int], float]:
    """The pairs ``(a, b)``, a < b, whose order the answers so far do not settle: both "a over
    b" and "b over a" still agree with some additive model that keeps every answer. The value
    is how open the pair is: the smaller of the two margins (0 when one way is ruled out, so
    such pairs are left out)."""
    cols = _Cols(scenario)
    diffs = [_difference(cols, packages[a], packages[b]) for a, b in answers]
    asked = {frozenset(x) for x in answers}
    out: dict[tuple[int, int], float] = {}
    for a in range(len(packages)):
        for b in range(a + 1, len(packages)):
            if frozenset((a, b)) in asked:
                continue
            ab = _difference(cols, packages[a], packages[b])
            if not ab:
                continue  # the same text twice
            one = _margin(cols, [*diffs, ab])
            if one <= _CONSISTENT:
                continue
            other = _margin(cols, [*diffs, {k: -v for k, v in ab.items()}])
            if other <= _CONSISTENT:
                continue
            out[(a, b)] = min(one, other)
    return out


def next_pair(
    scenario: Scenario,
    packages: Sequence[Mapping[str, str]],
    answers: Sequence[tuple[int, int]],
) -> tuple[int, int] | None:
    """The most informative pair to ask about next: of the pairs the answers leave open, the
    one whose two answers stay most evenly plausible (the largest smaller margin), so that
    either answer settles as much as it can; None when every pair is settled (then any model
    that fits the answers orders every pair of ``packages`` the same way)."""
    got = open_pairs(scenario, packages, answers)
    if not got:
        return None
    return max(got, key=lambda ab: (round(got[ab], _TIE_DIGITS), -ab[0], -ab[1]))


def _prior(scenario: Scenario, prior: Fit | None) -> dict[tuple[str, str], float]:
    n = len(scenario.issues)
    out = {}
    for i in scenario.issues:
        for o in i.option_ids:
            if prior is not None:
                out[(i.id, o)] = prior.weights[i.id] * prior.values[i.id][o]
            else:
                out[(i.id, o)] = 0.5 / n
    return out


def _normalise(cols: _Cols, x: np.ndarray) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    ranges = {}
    values: dict[str, dict[str, float]] = {}
    for iid, opts in cols.issues:
        us = [float(x[cols.u[(iid, o)]]) for o in opts]
        lo, hi = min(us), max(us)
        ranges[iid] = hi - lo
        values[iid] = {
            o: (u - lo) / (hi - lo) if hi - lo > 1e-12 else 0.0
            for o, u in zip(opts, us, strict=True)
        }
    total = sum(ranges.values())
    weights = {iid: r / total if total > 0 else 1 / len(ranges) for iid, r in ranges.items()}
    return weights, values


def _inconsistent(
    scenario: Scenario,
    cols: _Cols,
    diffs: Sequence[Mapping[int, float]],
    margin: float,
    answers: tuple[tuple[int, int], ...],
) -> Fit:
    """The fewest answers to revisit (a MILP: one binary per answer that may be dropped)."""
    h = _highs()
    k = len(diffs)
    _base(h, cols, k)
    z = np.arange(cols.n, cols.n + k, dtype=np.int32)
    h.changeColsIntegrality(k, z, np.full(k, highspy.HighsVarType.kInteger))
    for j, d in enumerate(diffs):
        h.changeColCost(cols.n + j, 1.0)
        _add(h, {**d, cols.n + j: 1.0 + _GAP}, _GAP, highspy.kHighsInf)
    x = _solve(h, highspy.ObjSense.kMinimize)
    revisit = tuple(j for j in range(k) if x[cols.n + j] > 0.5)
    weights, values = _normalise(cols, x)
    return Fit(False, margin, weights, values, revisit, answers)


def propose(scenario: Scenario, k: int = 8, seed: int = 0) -> list[dict[str, str]]:
    """``k`` (6..12) feasible packages that differ from each other on as many issues as
    possible (greedy max-min Hamming distance over seeded random candidates), so that the
    comparisons say something about every issue."""
    from zopa.model.compiled import compile_scenario

    k = max(2, min(12, k))
    rng = np.random.default_rng(seed)
    cs = compile_scenario(scenario)
    sizes = np.asarray(scenario.sizes)
    cand = rng.integers(0, sizes, size=(400, len(sizes)))
    cand = cand[cs.feasible(cand)] if cs.constraints else cand
    cand = np.unique(cand, axis=0)
    if len(cand) == 0:
        raise AnalysisError("no package satisfies the room's constraints")
    rng.shuffle(cand)
    chosen = [0]
    dist = (cand != cand[0]).sum(axis=1)
    while len(chosen) < min(k, len(cand)):
        nxt = int(np.argmax(dist))
        if dist[nxt] == 0:
            break
        chosen.append(nxt)
        dist = np.minimum(dist, (cand != cand[nxt]).sum(axis=1))
    return [{str(a): str(b) for a, b in scenario.package(list(cand[c])).items()} for c in chosen]
