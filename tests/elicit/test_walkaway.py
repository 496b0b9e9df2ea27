"""The walk-away found by bisection over the delegation's own ladder of texts."""

from __future__ import annotations

import copy
import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.elicit.test_form import ukraine
from zopa.elicit import bisect, ladder
from zopa.model import build_scenario


def _scenario() -> object:
    return build_scenario(copy.deepcopy(ukraine()))


def test_the_ladder_rises_one_issue_at_a_time_and_keeps_the_red_lines() -> None:
    sc = _scenario()
    rungs = ladder(sc, "ukraine")  # type: ignore[arg-type]
    assert len(rungs) >= 15
    us = [r.utility for r in rungs]
    assert us == sorted(us) and len(set(us)) == len(us)
    for a, b in itertools.pairwise(rungs):
        assert sum(a.package[i] != b.package[i] for i in a.package) >= 1
    for r in rungs:  # Ukraine's red lines hold on every rung
        assert r.package["territory"] != "recognise" and r.package["security"] != "none"
        assert int(r.package["army_cap"]) >= 600000


def _run(us: list[float], truth: float) -> tuple[float, int]:
    answers: dict[int, bool] = {}
    for _ in range(64):
        b = bisect(us, answers)
        if b.ask is None:
            assert b.done and b.reservation is not None
            return b.reservation, len(answers)
        answers[b.ask] = us[b.ask] >= truth
    raise AssertionError("bisection did not end")


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(1, 999), min_size=1, max_size=40, unique=True),
    st.integers(0, 1000),
)
def test_the_walk_away_found_classifies_every_rung_as_the_delegation_does(
    raw: list[int], t: int
) -> None:
    us = sorted(x / 1000 for x in raw)
    truth = t / 1000
    found, asked = _run(us, truth)
    assert 0 <= found <= 1
    for u in us:  # the saved model signs exactly the texts the delegation would sign
        assert (u >= found) == (u >= truth)
    assert asked <= math.ceil(math.log2(len(us) + 1))


def test_answers_the_wrong_way_round_are_named() -> None:
    us = [0.1, 0.3, 0.5, 0.7]
    b = bisect(us, {1: True, 2: False})
    assert b.contradiction == (1, 2) and not b.done and b.ask is None
