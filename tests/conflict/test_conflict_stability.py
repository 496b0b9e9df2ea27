"""Stability: classic conflicts by hand, the textbook coalition definition, and the engine
checked against the definition-literal oracle on random conflicts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from conflict_oracle import conflicts, oracle_table
from hypothesis import HealthCheck, given, settings

from zopa.conflict import CONCEPTS, Conflict, analyze, build_conflict, load_conflict


def test_prisoners_dilemma(fixtures: Path) -> None:
    c = load_conflict(fixtures / "gmcr" / "PrisonersDilemma.gmcr")
    assert [c.pattern(k) for k in range(4)] == ["NN", "YN", "NY", "YY"]
    r = analyze(c)
    assert r.equilibria("nash") == (1,)  # mutual defection only
    # mutual cooperation is sanctioned: defecting is met by the other's defection
    assert r.equilibria("gmr") == r.equilibria("smr") == r.equilibria("seq") == (1, 4)


def test_chicken(fixtures: Path) -> None:
    c = load_conflict(fixtures / "gmcr" / "Chicken.gmcr")
    r = analyze(c)
    assert r.equilibria("nash") == (2, 3)  # one swerves, the other does not
    assert r.equilibria("gmr") == r.equilibria("smr") == (2, 3, 4)
    # the sanction against leaving "both swerve" (crashing) hurts the sanctioner: not SEQ
    assert r.equilibria("seq") == (2, 3)


ABA = {
    "title": "sanction needs A, B, A",
    "decision_makers": [
        {
            "id": "focal",
            "options": ["z"],
            "preferences": {"ranking": [["YNNN", "YNYN", "YNYY", "YYYY"], "N---", "YYNY"]},
        },
        {"id": "a", "options": ["a1", "a2"], "preferences": {"ranking": ["----"]}},
        {"id": "b", "options": ["b"], "preferences": {"ranking": ["----"]}},
    ],
    "constraints": [
        "not (a1 and not a2 and not b)",
        "not (a1 and a2 and not b)",
        "not (not a1 and not a2 and b)",
    ],
}


def test_coalition_sanction_may_reuse_a_member() -> None:
    """The only sanction is a1 moves, b moves, a1 moves again: textbook GMR counts it."""
    c = build_conflict(ABA)
    r = analyze(c)
    s = next(k for k in range(c.n_states) if c.pattern(k) == "NNNN")
    assert r.stable["gmr"][0, s] and r.stable["smr"][0, s]
    assert not r.stable["nash"][0, s] and not r.stable["seq"][0, s]


def _check_against_oracle(c: Conflict) -> None:
    r = analyze(c)
    for concept in CONCEPTS:
        np.testing.assert_array_equal(r.stable[concept], oracle_table(c, concept), concept)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts())
def test_engine_equals_definitions(c: Conflict) -> None:
    _check_against_oracle(c)


@settings(max_examples=80, deadline=None)
@given(conflicts(max_options=8))
def test_inclusions(c: Conflict) -> None:
    s = analyze(c).stable
    assert not (s["nash"] & ~s["seq"]).any() and not (s["seq"] & ~s["gmr"]).any()
    assert not (s["nash"] & ~s["smr"]).any() and not (s["smr"] & ~s["gmr"]).any()


def test_two_dm_and_one_dm_edge_cases() -> None:
    one = build_conflict(
        {
            "decision_makers": [
                {"id": "x", "options": ["o"], "preferences": {"prioritisation": ["o"]}}
            ]
        }
    )
    r = analyze(one)
    for concept in CONCEPTS:  # nobody can sanction: only the best state is stable
        assert r.equilibria(concept) == (2,)
