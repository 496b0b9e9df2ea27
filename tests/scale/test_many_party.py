"""The many-party case: exact zone and solutions, a limited (marked) frontier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core import oracle
from tests.scale.many_party import write_many_party
from zopa.analysis.analyze import analyze
from zopa.analysis.pareto import dominates_any
from zopa.io import load_any
from zopa.model import build_scenario, compile_scenario


def _many(seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    n_issues = int(rng.integers(2, 5))
    issues = [
        {"id": f"i{k}", "options": [f"o{j}" for j in range(int(rng.integers(2, 4)))]}
        for k in range(n_issues)
    ]
    parties = []
    for p in range(int(rng.integers(5, 8))):
        prefs: dict[str, Any] = {
            "weights": {i["id"]: int(rng.integers(1, 5)) for i in issues},
            "values": {
                i["id"]: {o: int(rng.integers(0, 11)) / 10 for o in i["options"]} for i in issues
            },
            "reservation": int(rng.integers(0, 5)) / 10,
        }
        if rng.random() < 0.3:
            prefs["red_lines"] = ["i0 != o0 or i1 != o1"]
        parties.append(
            {"id": f"p{p}", "power": float(rng.choice([0.5, 1, 2])), "preferences": prefs}
        )
    data: dict[str, Any] = {"title": "many", "issues": issues, "parties": parties}
    if rng.random() < 0.3:
        data["constraints"] = ["i0 == o1 -> i1 != o0"]
    return data


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6))
def test_limited_path_matches_the_exact_engine_and_the_oracle(seed: int) -> None:
    data = _many(seed)
    s = build_scenario(data)
    exact = analyze(s, engine="enumerate", frontier_budget=10**18)
    limited = analyze(s, frontier_budget=0, frontier_limit=7)
    b = oracle.brute(data)
    assert exact.zone.size == limited.zone.size == len(b.zone)
    assert limited.feasible == exact.feasible == len(b.feasible)
    if not b.zone:  # nothing to limit: the exact answer, concessions included
        assert limited.to_dict() == exact.to_dict()
        return
    assert limited.frontier.limited and not limited.frontier.exact
    assert limited.frontier.size is None and limited.frontier.limit == 7
    assert limited.to_dict()["frontier"]["limited"] is True
    for name, sol in exact.solutions.items():  # same package as the exact engine
        got = limited.solutions[name]
        assert sol is not None and got is not None and got.number == sol.number, name
    front = oracle.frontier(b)
    parties = list(limited.parties)
    listed = [tuple(p.utilities[q] for q in parties) for p in limited.frontier.points]
    assert listed and len(listed) <= 7 and all(u in front for u in listed)
    # the listed packages are the frontier ones among the 7 largest totals (ties: number)
    ranked = sorted(b.zone, key=lambda x: (-round(sum(b.utilities[x]), 10), x))[:7]
    top = [b.utilities[x] for x in ranked]
    expect = sorted(x for x in ranked if not oracle.dominated(b.utilities[x], top))
    got = sorted(oracle.package_of(b, p.package) for p in limited.frontier.points)
    assert got == expect


def test_seventy_parties_262144_packages(tmp_path: Path) -> None:
    """An ANAC-sized GENIUS folder the exact n-D frontier could not finish (600 s+)."""
    folder = write_many_party(tmp_path / "many", parties=70, issues=9, options=4)
    s = load_any(folder)
    cs = compile_scenario(s)
    assert (cs.n_parties, cs.outcomes) == (70, 262_144)
    a = analyze(s, frontier_limit=200)
    assert a.zone.exists and a.zone.exact and a.zone.size is not None
    assert a.frontier.limited and a.frontier.limit == 200 and not a.frontier.exact
    assert 0 < len(a.frontier.points) <= 200
    assert all(v is not None for v in a.solutions.values())
    assert any("limited" in n for n in a.notes)
    # spot check against the definition: a few listed packages and the Nash package are
    # dominated by no zone package (the zone streamed in slices)
    gate = cs.gating_index
    picks = [*a.frontier.points[:3], a.solutions["nash"]]
    u = np.array([[p.utilities[q] for q in a.parties] for p in picks if p is not None])
    for start in range(0, cs.outcomes, 65_536):
        idx = cs.decode(np.arange(start, start + 65_536))
        ug = cs.utilities(idx)[:, gate]
        zone = cs.feasible(idx) & cs.red_line_ok(idx)[:, gate].all(axis=1)
        zone &= (ug >= cs.reservation[gate]).all(axis=1)
        assert not dominates_any(ug[zone], u).any()


def test_six_parties_stay_exact(tmp_path: Path) -> None:
    """Exact before heuristic: the budget is spent on the exact engine first."""
    s = load_any(write_many_party(tmp_path / "six", parties=6, issues=9, options=4))
    a = analyze(s, frontier_limit=50)
    assert a.frontier.exact and not a.frontier.limited and a.frontier.size is not None


def test_work_budget_stops_dominance_checks() -> None:
    import pytest

    from zopa.analysis.pareto import BudgetExceeded, frontier_mask, work_budget

    pts = np.random.default_rng(1).random((300, 6))
    with work_budget(10**9):
        assert frontier_mask(pts).tolist() == (~dominates_any(pts, pts)).tolist()
    with pytest.raises(BudgetExceeded), work_budget(1000):
        frontier_mask(pts)
    frontier_mask(pts)  # no budget outside the block


def test_a_genius_shaped_seventy_party_folder(tmp_path: Path) -> None:
    """The field's 70-party folder differs from the plain fixture: no reservations (the zone
    is the whole space), swapped issue names in some profiles, extra elements. It reads as
    the plain folder does and takes the limited path with exact zone and solutions."""
    shaped = write_many_party(
        tmp_path / "shaped", parties=70, issues=6, options=8, reservation=None, genius_shaped=True
    )
    plain = write_many_party(tmp_path / "plain", parties=70, issues=6, options=8, reservation=None)
    s, p = load_any(shaped), load_any(plain)
    cs, cp = compile_scenario(s), compile_scenario(p)
    assert (cs.n_parties, cs.outcomes) == (70, 262_144)
    assert all(np.array_equal(a, b) for a, b in zip(cs.tables, cp.tables, strict=True))
    assert not cs.reservation.any()
    bound = [w for w in s.warnings if "bound by index" in w]
    assert len(bound) == 2 * 18 and not p.warnings  # 18 profiles name issues 1 and 2 swapped
    a = analyze(s, frontier_limit=100)
    assert a.zone.size == 262_144 and a.zone.exact
    assert a.frontier.limited and 0 < len(a.frontier.points) <= 100
    assert all(v is not None for v in a.solutions.values())
