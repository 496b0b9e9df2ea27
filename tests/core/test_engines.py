"""Every engine against the brute-force oracle on random scenarios."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, example, given, settings

from tests.core import oracle
from tests.core.strategies import scenario_dicts
from zopa.analysis.analyze import analyze
from zopa.analysis.pareto import frontier_mask
from zopa.model import build_scenario, compile_scenario
from zopa.model.expr import cnf, evaluate

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _gating_utils(a, parties):
    return tuple(a.utilities[p] for p in parties)


def _nash_of(point, b: oracle.Brute, parties, power=None) -> float:
    w = power or (1.0,) * len(parties)
    g = [point.utilities[p] - d for p, d in zip(parties, b.reservation, strict=True)]
    if min(g) <= 0:
        return -math.inf
    return sum(wi * math.log(gi) for wi, gi in zip(w, g, strict=True))


@SETTINGS
@given(scenario_dicts())
def test_enumeration_matches_brute_force(data):
    s = build_scenario(data)
    b = oracle.brute(data)
    a = analyze(s, engine="enumerate")
    assert a.engine == "enumerate"
    assert a.outcomes == len(b.packages)
    assert a.feasible == len(b.feasible)
    assert a.zone.size == len(b.zone) and a.zone.exact
    assert a.zone.exists == bool(b.zone)
    parties = list(a.parties)
    got = {_gating_utils(p, parties) for p in a.frontier.points}
    assert got == oracle.frontier(b)
    if b.zone:
        _check_solutions(a, b, parties)
        assert a.concessions is None
    else:
        _check_concessions(a, b, s)


def _check_solutions(a, b, parties):
    nash = a.solutions["nash"]
    assert math.isclose(_nash_of(nash, b, parties), oracle.nash_value(b), abs_tol=1e-9) or (
        oracle.nash_value(b) == -math.inf
    )
    weighted = a.solutions["nash_weighted"]
    expect = oracle.nash_value(b, b.power)
    if expect > -math.inf:
        assert math.isclose(_nash_of(weighted, b, parties, b.power), expect, abs_tol=1e-9)
    egal = a.solutions["egalitarian"]
    gains = tuple(
        round(v, 9)
        for v in sorted(egal.utilities[p] - d for p, d in zip(parties, b.reservation, strict=True))
    )
    assert gains == oracle.egalitarian_gains(b)
    util = a.solutions["utilitarian"]
    assert math.isclose(
        sum(util.utilities[p] for p in parties), oracle.utilitarian_value(b), abs_tol=1e-9
    )
    ks = a.solutions["kalai_smorodinsky"]
    ideal = [max(b.utilities[x][k] for x in b.zone) for k in range(len(parties))]
    ratios = [
        (ks.utilities[p] - d) / (i - d) if i - d > 0 else 1.0
        for p, d, i in zip(parties, b.reservation, ideal, strict=True)
    ]
    assert math.isclose(min(ratios), oracle.ks_value(b), abs_tol=1e-9)
    for sol in a.solutions.values():  # every solution is in the zone and on the frontier
        assert sol is not None
        assert all(sol.margins[p] >= -1e-12 for p in parties)


def _check_concessions(a, b, s):
    c = a.concessions
    assert c is not None
    mm = oracle.min_max_drop(b)
    if mm is None:
        assert c.uniform is None
    else:
        assert c.uniform is not None and math.isclose(c.uniform.total, max(mm, 0.0), abs_tol=1e-9)
    ms = oracle.min_sum_drop(b)
    if ms is not None:
        assert c.min_sum is not None and math.isclose(c.min_sum.total, ms, abs_tol=1e-9)
    rl = oracle.fewest_red_lines(b)
    if rl is None:
        assert c.red_lines is None
    else:
        assert c.red_lines is not None and int(c.red_lines.total) == rl


_ONE_PACKAGE = {  # the power-weighted Nash loop once stalled on the solver's tolerance here
    "title": "one package",
    "issues": [{"id": f"i{k}", "options": ["o0"]} for k in range(3)],
    "parties": [
        {
            "id": "p0",
            "role": "party",
            "power": 2.0,
            "preferences": {
                "weights": {"i0": 4, "i1": 0, "i2": 2},
                "values": {"i0": {"o0": 0.2}, "i1": {"o0": 0.0}, "i2": {"o0": 0.9}},
                "reservation": 0.4,
                "red_lines": [],
            },
        }
    ],
    "constraints": [],
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_dicts(max_issues=3, max_options=3))
@example(data=_ONE_PACKAGE)
def test_milp_matches_brute_force(data):
    s = build_scenario(data)
    b = oracle.brute(data)
    a = analyze(s, engine="milp")
    assert a.engine == "milp"
    assert a.zone.exists == bool(b.zone)
    if a.zone.exact:
        assert a.zone.size == len(b.zone)
    else:
        lo, hi = a.zone.interval
        assert lo <= a.zone.size <= hi
    parties = list(a.parties)
    if b.zone:
        _check_solutions(a, b, parties)
    else:
        _check_concessions(a, b, s)


@settings(max_examples=80, deadline=None)
@given(scenario_dicts(max_issues=3, max_options=3))
def test_cnf_is_equivalent(data):
    s = build_scenario(data)
    cs = compile_scenario(s)
    idx = cs.decode(np.arange(cs.outcomes))
    rules = list(s.constraints) + [
        r for p in s.parties if p.preferences for r in p.preferences.red_lines
    ]
    for r in rules:
        truth = evaluate(r.formula, idx, cs.sizes)
        clauses = cnf(r.formula, cs.sizes)
        sat = np.ones(len(idx), dtype=bool)
        for c in clauses:
            ok = np.zeros(len(idx), dtype=bool)
            for i, allowed in c.items():
                ok |= np.isin(idx[:, i], list(allowed))
            sat &= ok
        assert (sat == truth).all(), r.text


def test_small_chunks_give_the_same_scan():
    from zopa.analysis.enumerate import scan
    from zopa.model import build_scenario

    data = {
        "title": "t",
        "issues": [{"id": f"i{k}", "options": ["a", "b", "c"]} for k in range(6)],
        "parties": [
            {
                "id": "x",
                "preferences": {
                    "weights": {f"i{k}": k + 1 for k in range(6)},
                    "values": {f"i{k}": {"a": 0, "b": 0.5, "c": 1} for k in range(6)},
                    "reservation": 0.3,
                    "red_lines": ["i0 != c or i1 != c"],
                },
            },
            {
                "id": "y",
                "preferences": {
                    "weights": {f"i{k}": 6 - k for k in range(6)},
                    "values": {f"i{k}": {"a": 1, "b": 0.4, "c": 0} for k in range(6)},
                    "reservation": 0.3,
                },
            },
        ],
        "constraints": ["i2 == a -> i5 != a"],
    }
    cs = compile_scenario(build_scenario(data))
    big, small = scan(cs), scan(cs, chunk=7)
    assert (big.zone, big.feasible) == (small.zone, small.feasible)
    assert (big.frontier_index == small.frontier_index).all()


def test_frontier_mask_against_definition():
    rng = np.random.default_rng(3)
    for d in (1, 2, 3, 4):
        for _ in range(100):
            pts = rng.integers(0, 4, (int(rng.integers(1, 30)), d)).astype(float)
            expect = [not oracle.dominated(tuple(p), [tuple(q) for q in pts]) for p in pts]
            assert frontier_mask(pts).tolist() == expect
