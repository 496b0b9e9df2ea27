"""The many-party case: zone, solutions and a limited frontier when the frontier is the zone.

With many gating parties (ANAC folders with tens of profiles) almost every zone package can be
Pareto-optimal, so the exact n-D frontier costs up to (zone size)² × parties comparisons: a
70-party, 262,144-package GENIUS folder did not finish in 600 s. ``analyze`` first tries the
exact engine under a work budget (:data:`FRONTIER_BUDGET` comparisons; 6 parties over 262,144
packages stay exact). Over it, this module streams the packages once
(:func:`zopa.analysis.enumerate.chunks`) and keeps, per chunk, only

- the zone size, the feasible count and each party's best utility in the zone (the ideal);
- the winner of every bargaining solution among the chunk's zone packages (the keys of
  :mod:`zopa.analysis.solutions` are per package, so the winner over all chunk winners is
  the winner over the zone; Kalai-Smorodinsky needs the ideal, so it takes a second pass);
- the ``limit`` zone packages with the largest total utility.

Every solution has its maximiser on the frontier and the tie-breaks (secondary criterion, then
the smallest package number) pick a frontier package, so computing over the whole zone gives
the same package as the exact engines. The *listed* frontier is limited: the frontier
packages among the ``limit`` zone packages with the largest total utility. Each listed package
is exactly on the frontier (a package dominating one of them has a larger total, so it is
among them too); the frontier's size is not computed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zopa.analysis import solutions as sol
from zopa.analysis.enumerate import chunks
from zopa.analysis.pareto import frontier_mask
from zopa.model.compiled import PRECISION, SLACK, CompiledScenario
from zopa.records import frozen

__all__ = ["FRONTIER_BUDGET", "MANY_PARTIES", "ManyScan", "ks_package", "many_scan"]

MANY_PARTIES = 5
"""From this many gating parties the frontier may be most of the zone."""
FRONTIER_BUDGET = 1_000_000_000
"""Coordinate comparisons the exact n-D frontier may make with many parties (about 1-5 s)
before the limited path is taken instead (:func:`zopa.analysis.pareto.work_budget`)."""

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_PICKS = ("nash", "nash_weighted", "egalitarian", "utilitarian")


@frozen
class ManyScan:
    """What one streaming pass found (Kalai-Smorodinsky needs a second: :func:`ks_package`)."""

    feasible: int
    zone: int
    solutions: dict[str, int]  # solution name -> package number (empty when no zone)
    ideal: FloatArray  # each gating party's best utility in the zone
    frontier: IntArray  # package numbers of the listed frontier packages (ascending)
    candidates: int  # how many top-total packages the listed frontier was taken from


def _gating(cs: CompiledScenario, u: FloatArray) -> FloatArray:
    """The gating parties' columns (no copy when every party gates)."""
    gate = cs.gating_index
    if len(gate) == cs.n_parties:
        return u
    return u[:, gate]


def many_scan(cs: CompiledScenario, limit: int) -> ManyScan:
    """Zone, solutions (but Kalai-Smorodinsky) and the limited frontier of ``cs``."""
    gate = cs.gating_index
    d = cs.reservation[gate]
    power = cs.power[gate]
    g = len(gate)
    feasible = zone = 0
    ideal = np.full(g, -np.inf)
    win_u: dict[str, list[FloatArray]] = {k: [] for k in _PICKS}
    win_i: dict[str, list[int]] = {k: [] for k in _PICKS}
    top_u, top_i = np.empty((0, g)), np.empty(0, dtype=np.int64)
    for c in chunks(cs):
        feasible += int(c.feasible.sum())
        ug = _gating(cs, c.u)
        inz = c.feasible & c.red_line_ok.all(axis=1)
        inz &= (ug >= d).all(axis=1)
        if not inz.any():
            continue
        zu, zi = ug[inz], c.linear[inz]
        zone += len(zi)
        ideal = np.maximum(ideal, zu.max(axis=0))
        for name, row in _winners(zu, d, power, zi).items():
            win_u[name].append(zu[row])
            win_i[name].append(int(zi[row]))
        top_u, top_i = _top(np.concatenate([top_u, zu]), np.concatenate([top_i, zi]), limit)
    if zone == 0:
        empty = np.empty(0, dtype=np.int64)
        return ManyScan(feasible, 0, {}, ideal, empty, 0)
    picks: dict[str, int] = {}
    for name in _PICKS:
        u = np.asarray(win_u[name])
        order = np.asarray(win_i[name], dtype=np.int64)
        picks[name] = int(order[_winners(u, d, power, order)[name]])
    front = np.sort(top_i[frontier_mask(top_u)])
    return ManyScan(feasible, zone, picks, ideal, front, len(top_i))


def _nash(u: FloatArray, d: FloatArray, order: IntArray, w: FloatArray) -> int:
    """Row of the (weighted) Nash solution, taking logs only of rows that can win.

    By Jensen's inequality sum_p w_p log(g_p) <= W log(sum_p w_p g_p / W), W = sum_p w_p: a
    row whose bound is below the exact value of the row with the best bound cannot win (nor
    tie), so only the others are computed; the answer is that of :func:`solutions.nash`.
    """
    gain = u - d
    total = float(w.sum())
    mean = (gain @ w) / total
    with np.errstate(divide="ignore"):
        bound = total * np.log(np.maximum(mean, 0.0))
    first = int(np.argmax(bound))
    lower = float(sol.log_gains(u[first : first + 1], d)[0] @ w)
    if np.isfinite(lower):
        rows = np.flatnonzero(bound >= lower - SLACK)
        u, order = u[rows], order[rows]
    else:
        rows = np.arange(len(u))
    lg = sol.log_gains(u, d) @ w
    return int(rows[sol.nash_by_logs(lg, u, order)])


def _winners(u: FloatArray, d: FloatArray, power: FloatArray, order: IntArray) -> dict[str, int]:
    ones = np.ones(len(d))
    plain = _nash(u, d, order, ones)
    return {
        "nash": plain,
        # every power 1 (GENIUS folders have none): the same computation, done once
        "nash_weighted": plain if np.array_equal(power, ones) else _nash(u, d, order, power),
        "egalitarian": sol.egalitarian(u, d, order),
        "utilitarian": sol.utilitarian(u, d, order),
    }


def _top(u: FloatArray, i: IntArray, k: int) -> tuple[FloatArray, IntArray]:
    """The ``k`` rows with the largest (rounded) total, ties by the smaller package number."""
    if len(i) <= k:
        return u, i
    total = np.round(u.sum(axis=1), PRECISION)
    keep = np.lexsort((i, -total))[:k]
    return u[keep], i[keep]


def ks_package(cs: CompiledScenario, ideal: FloatArray) -> int:
    """Kalai-Smorodinsky over the zone with the zone's ideal point: a second pass."""
    gate = cs.gating_index
    d = cs.reservation[gate]
    span = ideal - d
    best_u: list[FloatArray] = []
    best_i: list[int] = []

    cols = np.flatnonzero(span > 0)  # a party with ideal = d counts as fully satisfied

    def keys(u: FloatArray) -> list[FloatArray]:
        if len(cols) == len(span):
            worst = ((u - d) / span).min(axis=1)
        else:
            worst = np.ones(len(u))
            if len(cols):
                worst = np.minimum(worst, ((u[:, cols] - d[cols]) / span[cols]).min(axis=1))
        return [worst, u.sum(axis=1)]

    for c in chunks(cs):
        ug = _gating(cs, c.u)
        inz = c.feasible & c.red_line_ok.all(axis=1)
        inz &= (ug >= d).all(axis=1)
        if inz.any():
            zu, zi = ug[inz], c.linear[inz]
            r = sol.pick(keys(zu), zi)
            best_u.append(zu[r])
            best_i.append(int(zi[r]))
    u = np.asarray(best_u)
    order = np.asarray(best_i, dtype=np.int64)
    return int(order[sol.pick(keys(u), order)])
