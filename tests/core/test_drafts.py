"""Draft evaluation against the definitions, by brute force on random scenarios."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core import oracle
from tests.core.strategies import scenario_dicts
from zopa.analysis.drafts import evaluate
from zopa.model import build_scenario
from zopa.model.expr import holds


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_dicts(max_issues=3, max_options=3), st.data())
def test_evaluation_matches_definitions(data, pick):
    s = build_scenario(data)
    b = oracle.brute(s)
    x = pick.draw(st.sampled_from(b.packages))
    spec = ",".join(f"{i.id}={i.option_ids[k]}" for i, k in zip(s.issues, x))
    e = evaluate(s, spec)
    gate = [p for p in s.parties if p.gates]
    ux = b.utilities[x]
    kept = [all(holds(r.formula, x) for r in p.preferences.red_lines) for p in gate]

    def improves(y):
        if y not in b.feasible or y == x:
            return False
        uy = b.utilities[y]
        if not (all(a >= c for a, c in zip(uy, ux)) and any(a > c for a, c in zip(uy, ux))):
            return False
        return all(
            all(holds(r.formula, y) for r in p.preferences.red_lines)
            for p, k in zip(gate, kept)
            if k
        )

    better = [y for y in b.packages if improves(y)]
    assert e.dominated == bool(better)
    assert e.improvement_count == len(better)
    assert e.in_zone == (x in b.zone)
    if b.zone:
        expect = min(sum(a != c for a, c in zip(y, x)) for y in b.zone)
        assert e.zone_distance == expect
    else:
        assert e.zone_distance is None
    for imp in e.improvements:
        y = s.indices({k: str(v) for k, v in imp.package.items()})
        assert improves(tuple(y))
