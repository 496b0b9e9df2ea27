"""One utility computation, one precision: analysis and negotiation agree to the last digit."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.analysis.analyze import analyze, point
from zopa.analysis.drafts import evaluate
from zopa.model import PRECISION, build_scenario, compile_scenario, round_utility
from zopa.negotiate import SessionConfig, outcome_space, simulate

SRC = Path(__file__).resolve().parents[2] / "src" / "zopa"


def _scenario(seed: int) -> object:
    """Utilities with many significant digits (so a 6-digit rounding shows)."""
    rng = np.random.default_rng(seed)
    issues = [{"id": f"i{k}", "options": [f"o{j}" for j in range(3)]} for k in range(3)]
    parties = [
        {
            "id": f"p{p}",
            "preferences": {
                "weights": {i["id"]: float(rng.uniform(0.1, 1)) for i in issues},
                "values": {
                    i["id"]: {o: float(rng.uniform()) for o in i["options"]} for i in issues
                },
                "reservation": float(rng.uniform(0, 0.4)),
            },
        }
        for p in range(2)
    ]
    return build_scenario({"title": "digits", "issues": issues, "parties": parties})


def _by_hand(s, party: str, pkg, weights=None) -> float:
    prefs = s.party(party).preferences
    w = weights or [prefs.weights[i.id] for i in s.issues]
    return sum(wk * prefs.values[i.id][k] for wk, i, k in zip(w, s.issues, pkg, strict=True))


def test_round_utility_is_the_one_rounding() -> None:
    assert round_utility(0.1 + 0.2) == 0.3
    assert round_utility(-1e-13) == 0.0 and str(round_utility(-1e-13)) == "0.0"
    a = round_utility(np.array([0.1 + 0.2, 1 / 3]))
    assert a.tolist() == [0.3, round(1 / 3, PRECISION)]


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_negotiation_reports_the_analysis_utilities(seed: int) -> None:
    s = _scenario(seed)
    cs = compile_scenario(s)
    r = simulate(s, {"p0": "conceder", "p1": "conceder"}, seed=seed, config=SessionConfig())
    if r.row is None:
        return
    space = outcome_space(s)
    pkg = space.packages[r.row]
    expect = cs.utility(pkg)
    assert r.utilities == tuple(float(x) for x in expect)  # no 6-digit rounding of its own
    for c, party in enumerate(cs.party_ids):
        assert abs(expect[c] - _by_hand(s, party, pkg)) < 10.0**-PRECISION


def test_reweighted_party_utilities_match_a_hand_computation() -> None:
    s = _scenario(3)
    cs = compile_scenario(s)
    idx = cs.decode(np.arange(cs.outcomes))
    w = [0.5, 0.25, 0.25]
    got = cs.party_utilities(idx, 1, w)
    want = [round(_by_hand(s, "p1", row, w), PRECISION) for row in idx.tolist()]
    assert got.tolist() == want
    assert cs.party_utilities(idx, 0).tolist() == cs.utilities(idx)[:, 0].tolist()


def test_margins_are_rounded_like_utilities() -> None:
    s = _scenario(11)
    cs = compile_scenario(s)
    a = analyze(s)
    for pt in [*a.frontier.points, *(p for p in a.solutions.values() if p)]:
        for party, m in pt.margins.items():
            u = pt.utilities[party]
            r = float(cs.reservation[cs.party_ids.index(party)])
            assert m == round(u - r, PRECISION)
    pkg = cs.decode(np.array([5]))[0]
    e = evaluate(s, ",".join(f"{i.id}={i.option_ids[k]}" for i, k in zip(s.issues, pkg)))
    assert dict(e.point.margins) == dict(point(cs, pkg).margins)


def test_no_literal_rounding_precision_in_the_engines() -> None:
    """Every rounding/tolerance in analysis, model and negotiation goes through PRECISION."""
    pattern = re.compile(r"round\([^()]*(?:\([^()]*\))*[^()]*,\s*\d+\)|\b1e-(?:9|10|12)\b")
    offenders = []
    for sub in ("analysis", "negotiate", "model/compiled.py"):
        paths = [SRC / sub] if sub.endswith(".py") else sorted((SRC / sub).rglob("*.py"))
        for path in paths:
            for n, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line) and "seconds" not in line:
                    offenders.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
