"""Draft evaluation against the definitions, by brute force on random scenarios."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core import oracle
from tests.core.strategies import scenario_dicts
from zopa.analysis.drafts import compare, evaluate
from zopa.model import build_scenario


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_dicts(max_issues=3, max_options=3), st.data(), st.sampled_from([None, 0]))
def test_evaluation_matches_definitions(data, pick, limit):
    """Both engines: the exact scan, and the MILP (the enumeration limit lowered to 0)."""
    s = build_scenario(data)
    b = oracle.brute(data)
    x = pick.draw(st.sampled_from(b.packages))
    spec = ",".join(f"{i.id}={i.options[k]}" for i, k in zip(b.issues, x))
    e = evaluate(s, spec) if limit is None else evaluate(s, spec, enumeration_limit=limit)
    assert e.engine == ("enumerate" if limit is None else "milp")
    better = [y for y in b.packages if oracle.improves(b, x, y)]
    assert e.dominated == bool(better)
    if limit is None:
        assert e.improvement_count == len(better)
    else:
        assert e.improvement_count is None and len(e.improvements) == int(bool(better))
    assert e.in_zone == (x in b.zone)
    assert e.zone_distance == oracle.zone_distance(b, x)
    for imp in e.improvements:
        assert oracle.improves(b, x, oracle.package_of(b, imp.package))
    for k, p in enumerate(b.parties):
        assert len(e.broken[p]) == sum(not h for h in b.holds[x][k])
        assert e.point.utilities[p] == b.utilities[x][k]


def _own_red_line_scenario():
    """x = (a, a) breaks p's red line `i0 == b`; the only improvement (a, b) breaks it too."""
    return build_scenario(
        {
            "title": "own red line",
            "issues": [{"id": "i0", "options": ["a", "b"]}, {"id": "i1", "options": ["a", "b"]}],
            "parties": [
                {
                    "id": "p",
                    "preferences": {
                        "weights": {"i0": 1, "i1": 1},
                        "values": {"i0": {"a": 0.5, "b": 0.0}, "i1": {"a": 0.0, "b": 0.5}},
                        "red_lines": ["i0 == b"],
                    },
                },
                {
                    "id": "q",
                    "preferences": {
                        "weights": {"i0": 1, "i1": 1},
                        "values": {"i0": {"a": 1.0, "b": 0.0}, "i1": {"a": 0.0, "b": 0.0}},
                    },
                },
            ],
        }
    )


def test_a_draft_breaking_its_own_red_line_is_dominated_on_every_engine():
    s = _own_red_line_scenario()
    scan = evaluate(s, "i0=a,i1=a")
    solver = evaluate(s, "i0=a,i1=a", enumeration_limit=0)
    assert scan.engine == "enumerate" and solver.engine == "milp"
    assert scan.dominated and solver.dominated  # (a, b): p gains, q keeps 1.0
    assert dict(solver.improvements[0].package) == {"i0": "a", "i1": "b"}
    assert scan.zone_distance == solver.zone_distance == 1


def test_compare_gives_the_same_answer_on_every_engine():
    s = _own_red_line_scenario()
    a = compare(s, "i0=a,i1=a", "i0=b,i1=b").to_dict()
    b = compare(s, "i0=a,i1=a", "i0=b,i1=b", enumeration_limit=0).to_dict()
    for d in (a, b):
        for side in ("before", "after"):
            d[side].pop("engine")
            d[side].pop("improvement_count")
            d[side]["improvements"] = d[side]["improvements"][:1]
            for key in ("engine", "alternatives"):  # counted by the scan only
                (d[side]["zone_path"] or {}).pop(key, None)
    assert a == b


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_dicts(max_issues=3, max_options=3), st.data())
def test_compare_verdict_follows_its_definition(data, pick):
    """closer: no criterion grows and one shrinks; further: the mirror; mixed: both."""
    s = build_scenario(data)
    b = oracle.brute(data)
    x, y = (pick.draw(st.sampled_from(b.packages)) for _ in range(2))
    spec = [",".join(f"{i.id}={i.options[k]}" for i, k in zip(b.issues, p)) for p in (x, y)]
    c = compare(s, *spec)
    rules = [oracle.rule(t, b.issues) for t in data.get("constraints", [])]

    def measures(p):
        short = [round(max(0.0, r - u), 10) for u, r in zip(b.utilities[p], b.reservation)]
        out = [*short, b.broken[p], sum(not f(p) for f in rules)]
        return out + ([oracle.zone_distance(b, p)] if b.zone else [])

    before, after = measures(x), measures(y)
    got = [(k.before, k.after) for k in c.criteria]
    assert got == list(zip(before, after, strict=True))
    better = any(a < b_ for b_, a in zip(before, after))
    worse = any(a > b_ for b_, a in zip(before, after))
    if x == y:
        expect = "same_package"
    elif (x in b.zone) != (y in b.zone):
        expect = "into_zone" if y in b.zone else "out_of_zone"
    elif x in b.zone:
        expect = "inside_zone"
    else:
        expect = {(1, 1): "mixed", (1, 0): "closer", (0, 1): "further", (0, 0): "as_far"}[
            (int(better), int(worse))
        ]
    assert c.movement == expect
    if expect == "closer":
        assert "moves it closer to an agreement" in c.verdict
    else:
        assert "closer to an agreement (" not in c.verdict


def test_a_growing_shortfall_is_never_closer():
    """Draft b repairs q's red line and cuts the distance, but p's shortfall grows."""
    s = build_scenario(
        {
            "title": "trade-off",
            "issues": [{"id": "i0", "options": ["a", "b", "c"]}],
            "parties": [
                {
                    "id": "p",
                    "preferences": {
                        "weights": {"i0": 1},
                        "values": {"i0": {"a": 0.5, "b": 0.2, "c": 1.0}},
                        "reservation": 0.8,
                    },
                },
                {
                    "id": "q",
                    "preferences": {
                        "weights": {"i0": 1},
                        "values": {"i0": {"a": 0.2, "b": 0.5, "c": 1.0}},
                        "red_lines": ["i0 != a"],
                        "reservation": 0.8,
                    },
                },
            ],
        }
    )
    c = compare(s, "i0=a", "i0=b")
    assert c.movement == "mixed"
    assert "moves it closer" not in c.verdict
    assert "further on p's reservation shortfall 0.300 → 0.600" in c.verdict
