"""Brute-force oracle: the definitions, by plain Python over every package."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from zopa.model.expr import holds
from zopa.model.scenario import Scenario


@dataclass
class Brute:
    packages: list[tuple[int, ...]]
    utilities: dict[tuple[int, ...], tuple[float, ...]]  # gating parties
    feasible: set[tuple[int, ...]]
    zone: list[tuple[int, ...]]
    reservation: tuple[float, ...]
    power: tuple[float, ...]


def utility(s: Scenario, party_id: str, pkg: tuple[int, ...]) -> float:
    p = s.party(party_id).preferences
    assert p is not None
    return round(sum(p.weights[i.id] * p.values[i.id][k] for i, k in zip(s.issues, pkg)), 10)


def brute(s: Scenario) -> Brute:
    gate = [p for p in s.parties if p.gates]
    pkgs = list(itertools.product(*(range(len(i.options)) for i in s.issues)))
    util = {x: tuple(utility(s, p.id, x) for p in gate) for x in pkgs}
    feas = {x for x in pkgs if all(holds(r.formula, x) for r in s.constraints)}
    zone = []
    for x in pkgs:
        if x not in feas:
            continue
        ok = True
        for k, p in enumerate(gate):
            prefs = p.preferences
            assert prefs is not None
            if util[x][k] < round(prefs.reservation, 10):
                ok = False
            if not all(holds(r.formula, x) for r in prefs.red_lines):
                ok = False
        if ok:
            zone.append(x)
    res = tuple(round(p.preferences.reservation, 10) for p in gate if p.preferences)
    return Brute(pkgs, util, feas, zone, res, tuple(p.power for p in gate))


def dominated(u: tuple[float, ...], others: list[tuple[float, ...]]) -> bool:
    return any(
        all(a >= b for a, b in zip(o, u)) and any(a > b for a, b in zip(o, u)) for o in others
    )


def frontier(b: Brute) -> set[tuple[float, ...]]:
    pts = [b.utilities[x] for x in b.zone]
    return {u for u in pts if not dominated(u, pts)}


def nash_value(b: Brute, power: tuple[float, ...] | None = None) -> float:
    """max over the zone of sum_p w_p log(U_p - d_p), -inf when every product is 0."""
    w = power or (1.0,) * len(b.reservation)
    best = -math.inf
    for x in b.zone:
        g = [u - d for u, d in zip(b.utilities[x], b.reservation)]
        if min(g) > 0:
            best = max(best, sum(wi * math.log(gi) for wi, gi in zip(w, g)))
    return best


def egalitarian_gains(b: Brute) -> tuple[float, ...]:
    return max(
        tuple(round(v, 9) for v in sorted(u - d for u, d in zip(b.utilities[x], b.reservation)))
        for x in b.zone
    )


def utilitarian_value(b: Brute) -> float:
    return max(round(sum(b.utilities[x]), 9) for x in b.zone)


def ks_value(b: Brute) -> float:
    ideal = [max(b.utilities[x][k] for x in b.zone) for k in range(len(b.reservation))]
    best = -math.inf
    for x in b.zone:
        r = []
        for k, (u, d) in enumerate(zip(b.utilities[x], b.reservation)):
            span = ideal[k] - d
            r.append((u - d) / span if span > 0 else 1.0)
        best = max(best, min(r))
    return best


def min_max_drop(b: Brute, s: Scenario) -> float | None:
    gate = [p for p in s.parties if p.gates]
    best = None
    for x in b.feasible:
        if all(
            all(holds(r.formula, x) for r in p.preferences.red_lines) for p in gate if p.preferences
        ):
            v = max(d - u for u, d in zip(b.utilities[x], b.reservation))
            best = v if best is None else min(best, v)
    return best


def min_sum_drop(b: Brute, s: Scenario) -> float | None:
    gate = [p for p in s.parties if p.gates]
    best = None
    for x in b.feasible:
        if all(
            all(holds(r.formula, x) for r in p.preferences.red_lines) for p in gate if p.preferences
        ):
            v = sum(max(0.0, d - u) for u, d in zip(b.utilities[x], b.reservation))
            best = v if best is None else min(best, v)
    return best


def fewest_red_lines(b: Brute, s: Scenario) -> int | None:
    gate = [p for p in s.parties if p.gates]
    best = None
    for x in b.feasible:
        if all(u >= d for u, d in zip(b.utilities[x], b.reservation)):
            n = sum(
                not holds(r.formula, x)
                for p in gate
                if p.preferences
                for r in p.preferences.red_lines
            )
            best = n if best is None else min(best, n)
    return best
