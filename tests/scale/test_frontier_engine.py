"""The frontier engine and the zone counts against the brute-force oracle."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from tests.core import oracle
from tests.core.strategies import scenario_dicts
from tests.core.test_engines import _check_concessions, _check_solutions
from zopa.analysis.analyze import analyze
from zopa.analysis.count import count_zone, dominance_count
from zopa.analysis.frontier import frontier_dp
from zopa.model import build_scenario, compile_scenario

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(scenario_dicts(max_issues=5, max_options=4))
def test_frontier_engine_matches_brute_force(data):
    s = build_scenario(data)
    b = oracle.brute(data)
    a = analyze(s, engine="frontier")
    assert a.engine == "frontier"
    assert a.feasible == len(b.feasible)
    assert a.zone.exists == bool(b.zone)
    parties = list(a.parties)
    got = {tuple(p.utilities[q] for q in parties) for p in a.frontier.points}
    assert got == oracle.frontier(b)
    front = oracle.frontier(b)
    assert a.frontier.size == sum(1 for x in b.zone if b.utilities[x] in front)
    if b.zone:
        _check_solutions(a, b, parties)
    else:
        _check_concessions(a, b, s)


@SETTINGS
@given(scenario_dicts(max_issues=5, max_options=4))
def test_frontier_engine_equals_enumeration(data):
    s = build_scenario(data)
    e = analyze(s, engine="enumerate")
    f = analyze(s, engine="frontier")
    assert f.frontier.size == e.frontier.size
    assert {p.number for p in f.frontier.points} <= {p.number for p in e.frontier.points}
    if e.zone.exists:
        assert f.zone.size == e.zone.size or not f.zone.exact
        for name, sol in e.solutions.items():
            other = f.solutions[name]
            assert sol is not None and other is not None
            assert other.utilities == sol.utilities, name


@SETTINGS
@given(scenario_dicts(max_issues=5, max_options=4, max_parties=2))
def test_zone_count_is_exact(data):
    s = build_scenario(data)
    b = oracle.brute(data)
    c = count_zone(compile_scenario(s))
    assert c.exact and c.size == len(b.zone)


def test_dominance_count_against_definition():
    rng = np.random.default_rng(5)
    for _ in range(200):
        pts = rng.integers(0, 5, (int(rng.integers(0, 40)), 2)).astype(float)
        qs = rng.integers(0, 5, (int(rng.integers(0, 40)), 2)).astype(float)
        expect = sum(int(((pts[:, 0] >= q[0]) & (pts[:, 1] >= q[1])).sum()) for q in qs)
        assert dominance_count(pts, qs) == expect


def test_without_reservations_is_the_frontier_of_the_rule_space():
    data = {
        "title": "t",
        "issues": [{"id": f"i{k}", "options": ["a", "b", "c"]} for k in range(4)],
        "parties": [
            {
                "id": "x",
                "preferences": {
                    "weights": {f"i{k}": k + 1 for k in range(4)},
                    "values": {f"i{k}": {"a": 0, "b": 0.5, "c": 1} for k in range(4)},
                    "reservation": 0.9,
                    "red_lines": ["i0 != c or i1 != c"],
                },
            },
            {
                "id": "y",
                "preferences": {
                    "weights": {f"i{k}": 4 - k for k in range(4)},
                    "values": {f"i{k}": {"a": 1, "b": 0.4, "c": 0} for k in range(4)},
                    "reservation": 0.9,
                },
            },
        ],
    }
    s = build_scenario(data)
    cs = compile_scenario(s)
    assert frontier_dp(cs).size == 0  # nobody reaches 0.9 with the other
    full = frontier_dp(cs, zone=False)
    b = oracle.brute(data)
    ok = [x for x in b.packages if b.holds[x][0][0]]  # x's one red line, by the oracle
    u = [b.utilities[x] for x in ok]
    expect = {v for v in u if not oracle.dominated(v, u)}
    assert {tuple(r) for r in full.utilities} == expect
