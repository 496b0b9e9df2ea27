"""The frontier engine: the exact Pareto frontier of the agreement zone without enumeration.

Pareto frontier by dynamic programming over issues (the additive-utility case of the
multi-objective knapsack/"Pareto DP" of Nemhauser & Ullmann 1969 and Klamroth & Wiecek 2000;
used for negotiation spaces by e.g. Jonker et al.'s GENIUS tools in its naive form).

1. **Components.** Issues that a scenario constraint or a gating party's red line ties together
   (``issues_of`` of each rule) are merged into one *compound issue* whose options are the
   allowed combinations; single-issue rules just filter the options. After this every package
   built from allowed component options satisfies every rule, so the rule-satisfying space S is
   a product of independent components.
2. **DP.** Stage s holds the exact Pareto frontier (gating utilities only) of the partial
   packages over the first s components, deduplicated by utility vector with a multiplicity
   (the number of partial packages with that vector) and a back-pointer (parent row, option).
   Stage s+1 combines it with the next component's option vectors (a Minkowski sum, k*m
   candidates) and keeps the frontier (:func:`zopa.analysis.pareto.frontier_mask`). This is
   exact: if partial q dominates partial p, then q + c dominates p + c for every completion c.
3. **Reservations.** U_p >= r_p is monotone, so frontier(zone) = {x in frontier(S) : U_p(x) >=
   r_p for every gating p}: a package dominating a zone package is itself in the zone. Partial
   points that cannot reach some r_p even with the best remaining options are dropped early
   (they and everything they dominate can never be in the zone), which keeps stages small.
4. **Canonical values.** The packages are rebuilt from the back-pointers and their utilities
   recomputed with :meth:`CompiledScenario.utilities` (rounded to 10 decimals, as every engine
   does), then filtered and reduced to the frontier once more, so ties compare as elsewhere.

``FrontierResult.size`` counts *packages* (duplicates of a utility vector included, as the
enumeration engine counts them); ``packages`` lists one package per distinct gating utility
vector: the representative with the smallest package number that the DP kept (the smallest
number among equal vectors when the compound issues are contiguous runs of issues).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from zopa.analysis.pareto import frontier_mask
from zopa.errors import AnalysisError
from zopa.model.compiled import GUARD_DIGITS, PRECISION, SLACK, CompiledScenario
from zopa.model.expr import Formula, evaluate, issues_of
from zopa.records import frozen

__all__ = [
    "COMPONENT_LIMIT",
    "Component",
    "FrontierResult",
    "components",
    "frontier_dp",
    "supports",
]

COMPONENT_LIMIT = 1_000_000  # allowed combinations of one compound issue
CANDIDATE_BLOCK = 4_000_000  # candidates pruned at once (memory bound of one stage)
_KEY_DECIMALS = PRECISION + GUARD_DIGITS  # partial sums are compared rounded to this
_RES_SLACK = SLACK  # early reservation pruning keeps points within this of reaching r_p

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@frozen(eq=False)
class Component:
    """A (compound) issue: its issues, allowed option combinations and their value vectors."""

    issues: tuple[int, ...]
    combos: IntArray  # (m x len(issues)) option indices, in package-number order
    values: FloatArray  # (m x n_parties) summed weighted values
    feasible: int  # combinations satisfying the scenario constraints (red lines ignored)


@frozen(eq=False)
class FrontierResult:
    """The exact frontier of the zone (or of the rule-satisfying space if ``zone=False``)."""

    packages: IntArray  # (k x n_issues) one package per distinct gating vector, by number
    numbers: IntArray  # package numbers
    utilities: FloatArray  # (k x n_parties) canonical utilities of every party
    multiplicity: NDArray[np.int64] | NDArray[np.object_]  # packages sharing each vector
    size: int  # packages on the frontier (sum of multiplicities)
    feasible: int  # packages satisfying the scenario constraints
    stages: int  # DP stages (components)
    largest_stage: int  # largest number of points kept after a stage


def supports(cs: CompiledScenario) -> str | None:
    """Why the frontier engine cannot analyse ``cs`` (None when it can)."""
    if not cs.additive:
        what = "hyper-rectangle terms" if any(cs.rects) else "a utility cap that can bind"
        return (
            "the frontier engine needs additive utilities, and this scenario has "
            f"non-additive ones ({what}); use --engine enumerate or milp"
        )
    return None


def _rules(cs: CompiledScenario) -> tuple[list[Formula], list[Formula]]:
    gate = cs.gating_index
    red = [f for g in gate for f in cs.red_lines[int(g)]]
    return list(cs.constraints), red


def _groups(n_issues: int, rules: list[Formula]) -> list[tuple[int, ...]]:
    parent = list(range(n_issues))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for f in rules:
        its = sorted(issues_of(f))
        for j in its[1:]:
            a, b = find(its[0]), find(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(n_issues):
        groups.setdefault(find(i), []).append(i)
    return sorted((tuple(g) for g in groups.values()), key=lambda g: g[0])


def components(cs: CompiledScenario, *, limit: int = COMPONENT_LIMIT) -> list[Component]:
    """Split ``cs`` into independent (compound) issues with the rules applied.

    Raises :class:`AnalysisError` when a compound issue has more than ``limit`` combinations.
    A component with no allowed combination is returned with zero rows (the zone is empty).
    """
    constraints, red = _rules(cs)
    rules = constraints + red
    out = []
    for group in _groups(cs.n_issues, rules):
        sizes = [cs.sizes[i] for i in group]
        total = math.prod(sizes)
        if total > limit:
            names = ", ".join(cs.scenario.issues[i].id for i in group)
            raise AnalysisError(
                f"the rules tie issues {names} into one compound issue of {total:,} "
                f"combinations, over the frontier engine's limit of {limit:,}; "
                "use --engine milp (or auto)"
            )
        gset = set(group)
        mine_c = [f for f in constraints if issues_of(f) and issues_of(f) <= gset]
        mine_r = [f for f in red if issues_of(f) and issues_of(f) <= gset]
        combos = np.stack(np.unravel_index(np.arange(total, dtype=np.int64), sizes), axis=1)
        combos = combos.astype(np.int64)
        idx = np.zeros((total, cs.n_issues), dtype=np.int64)
        idx[:, list(group)] = combos
        ok_c = np.ones(total, dtype=bool)
        for f in mine_c:
            ok_c &= evaluate(f, idx, cs.sizes)
        ok = ok_c.copy()
        for f in mine_r:
            ok &= evaluate(f, idx, cs.sizes)
        values = np.zeros((total, cs.n_parties), dtype=np.float64)
        for k, i in enumerate(group):
            values += cs.tables[i][combos[:, k]]
        out.append(Component(tuple(group), combos[ok], values[ok], int(ok_c.sum())))
    constant = np.zeros((1, cs.n_issues), dtype=np.int64)
    const_ok = all(bool(evaluate(f, constant, cs.sizes)[0]) for f in rules if not issues_of(f))
    const_feasible = all(
        bool(evaluate(f, constant, cs.sizes)[0]) for f in constraints if not issues_of(f)
    )
    if not const_ok:  # a rule that is false whatever the package: nothing is allowed
        first = out[0]
        feas = first.feasible if const_feasible else 0
        out[0] = Component(first.issues, first.combos[:0], first.values[:0], feas)
    elif not const_feasible:
        first = out[0]
        out[0] = Component(first.issues, first.combos, first.values, 0)
    return out


def _count_dtype(cs: CompiledScenario) -> type:
    return np.int64 if cs.outcomes < 2**62 else object


@dataclass
class _Stage:
    parent: IntArray
    option: IntArray


def _prune(
    cand: FloatArray, mult: NDArray[np.int64] | NDArray[np.object_], order: IntArray
) -> tuple[IntArray, NDArray[np.int64] | NDArray[np.object_]]:
    """Rows of ``cand`` on the frontier, one per distinct vector (smallest ``order``).

    Returns the kept rows (ascending ``order``) and their summed multiplicities.
    """
    keys = np.round(cand, _KEY_DECIMALS)
    rows = np.flatnonzero(frontier_mask(keys))
    if len(rows) == 0:
        return rows.astype(np.int64), mult[:0]
    k = keys[rows]
    srt = np.lexsort((order[rows], *(k[:, j] for j in range(k.shape[1] - 1, -1, -1))))
    ks = k[srt]
    first = np.ones(len(srt), dtype=bool)
    first[1:] = np.any(ks[1:] != ks[:-1], axis=1)
    starts = np.flatnonzero(first)
    summed = np.add.reduceat(mult[rows[srt]], starts)
    reps = rows[srt[starts]]
    back = np.argsort(order[reps], kind="stable")
    return reps[back].astype(np.int64), summed[back]


def frontier_dp(cs: CompiledScenario, *, zone: bool = True) -> FrontierResult:
    """The exact Pareto frontier (gating parties) of the agreement zone of ``cs``.

    With ``zone=False`` the reservations are ignored: the frontier of the packages that satisfy
    every constraint and gating red line. Raises :class:`AnalysisError` when the engine cannot
    handle the scenario (see :func:`supports`, :data:`COMPONENT_LIMIT`).
    """
    why = supports(cs)
    if why is not None:
        raise AnalysisError(why)
    comps = components(cs)
    gate = cs.gating_index
    g = len(gate)
    res = cs.reservation[gate] if zone else np.full(g, -np.inf)
    best = [c.values[:, gate].max(axis=0) if len(c.values) else np.zeros(g) for c in comps]
    remaining = [
        np.sum(best[s + 1 :], axis=0) if s + 1 < len(comps) else np.zeros(g)
        for s in range(len(comps))
    ]
    dtype = _count_dtype(cs)
    vals = np.zeros((1, g), dtype=np.float64)
    mult: NDArray[np.int64] | NDArray[np.object_] = np.ones(1, dtype=dtype)
    stages: list[_Stage] = []
    largest = 1
    for s, comp in enumerate(comps):
        cv = comp.values[:, gate]
        vals, mult, stage = _step(vals, mult, cv, res - remaining[s] - _RES_SLACK)
        stages.append(stage)
        largest = max(largest, len(vals))
        if len(vals) == 0:
            break
    feasible = math.prod(c.feasible for c in comps)
    return _finish(cs, comps, stages, mult if len(vals) else mult[:0], zone, feasible, largest)


def _step(
    vals: FloatArray,
    mult: NDArray[np.int64] | NDArray[np.object_],
    cv: FloatArray,
    need: FloatArray,
) -> tuple[FloatArray, NDArray[np.int64] | NDArray[np.object_], _Stage]:
    """One DP stage: Minkowski sum with the option vectors ``cv``, then the frontier."""
    k, m = len(vals), len(cv)
    if m == 0 or k == 0:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros((0, vals.shape[1])), mult[:0], _Stage(empty, empty)
    per = max(1, CANDIDATE_BLOCK // m)
    acc_u = np.zeros((0, vals.shape[1]))
    acc_p = np.zeros(0, dtype=np.int64)
    acc_o = np.zeros(0, dtype=np.int64)
    acc_m = mult[:0]
    for p0 in range(0, k, per):
        p1 = min(k, p0 + per)
        cand = (vals[p0:p1, None, :] + cv[None, :, :]).reshape(-1, vals.shape[1])
        parent = np.repeat(np.arange(p0, p1, dtype=np.int64), m)
        option = np.tile(np.arange(m, dtype=np.int64), p1 - p0)
        ok = np.all(cand >= need, axis=1)
        cand, parent, option = cand[ok], parent[ok], option[ok]
        cm = mult[parent]
        if p0 > 0 or p1 < k:  # merge with what earlier blocks kept
            cand = np.concatenate([acc_u, cand])
            parent = np.concatenate([acc_p, parent])
            option = np.concatenate([acc_o, option])
            cm = np.concatenate([acc_m, cm])
        order = parent * m + option
        rows, summed = _prune(cand, cm, order)
        acc_u, acc_p, acc_o, acc_m = cand[rows], parent[rows], option[rows], summed
    return acc_u, acc_m, _Stage(acc_p, acc_o)


def _rebuild(cs: CompiledScenario, comps: list[Component], stages: list[_Stage]) -> IntArray:
    n = len(stages[-1].parent) if stages else 0
    pkgs = np.zeros((n, cs.n_issues), dtype=np.int64)
    rows = np.arange(n, dtype=np.int64)
    for s in range(len(stages) - 1, -1, -1):
        opt = stages[s].option[rows]
        comp = comps[s]
        pkgs[:, list(comp.issues)] = comp.combos[opt]
        rows = stages[s].parent[rows]
    return pkgs


def _finish(
    cs: CompiledScenario,
    comps: list[Component],
    stages: list[_Stage],
    mult: NDArray[np.int64] | NDArray[np.object_],
    zone: bool,
    feasible: int,
    largest: int,
) -> FrontierResult:
    gate = cs.gating_index
    complete = len(stages) == len(comps) and len(mult) > 0
    pkgs = _rebuild(cs, comps, stages) if complete else np.zeros((0, cs.n_issues), np.int64)
    mult = mult if complete else mult[:0]
    u = cs.utilities(pkgs)
    if zone and len(pkgs):
        ok = np.all(u[:, gate] >= cs.reservation[gate], axis=1)
        pkgs, u, mult = pkgs[ok], u[ok], mult[ok]
    numbers = np.array([cs.encode(p) for p in pkgs], dtype=np.int64).reshape(-1)
    if len(pkgs):
        rows, mult = _prune(u[:, gate], mult, numbers)
        pkgs, u, numbers = pkgs[rows], u[rows], numbers[rows]
    return FrontierResult(
        packages=pkgs,
        numbers=numbers,
        utilities=u,
        multiplicity=mult,
        size=int(sum(int(x) for x in mult)),
        feasible=feasible,
        stages=len(comps),
        largest_stage=largest,
    )
