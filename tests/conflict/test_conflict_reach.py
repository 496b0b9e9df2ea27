"""Coalition analysis and status quo analysis against the definition-literal oracle."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from conflict_oracle import coalition_reach, conflicts, shortest_moves, unilateral
from hypothesis import given, settings

from zopa.conflict import (
    Conflict,
    coalition_analysis,
    coalition_improvements,
    load_conflict,
    status_quo_analysis,
)
from zopa.errors import AnalysisError


def test_prisoners_dilemma_coalition(fixtures: Path) -> None:
    c = load_conflict(fixtures / "gmcr" / "PrisonersDilemma.gmcr")
    res = coalition_analysis(c)
    # both gain by moving together from mutual defection (1) to mutual cooperation (4)
    assert coalition_improvements(c, ["dm1", "dm2"], 1) == (4,)
    assert res.stable[("dm1", "dm2")] == (2, 3, 4)
    assert res.equilibria == ()


def test_status_quo_path(fixtures: Path) -> None:
    c = load_conflict(fixtures / "gmcr" / "PrisonersDilemma.gmcr")
    sq = status_quo_analysis(c, 4, improvements_only=True)
    path = sq.paths[1]
    assert path is not None and len(path) == 2
    assert [s.source for s in path] == [4, path[0].target] and path[-1].target == 1
    assert path[0].dm != path[1].dm
    with pytest.raises(AnalysisError, match="status quo"):
        status_quo_analysis(c)


@settings(max_examples=30, deadline=None)
@given(conflicts(max_dms=3, max_options=6))
def test_coalition_stability_equals_definition(c: Conflict) -> None:
    res = coalition_analysis(c)
    for key, ids in res.stable.items():
        members = sorted(c.dm_ids.index(d) for d in key)
        expect = []
        for k in range(c.n_states):
            pp = [
                t
                for t in coalition_reach(c, members, k, False)
                if all(c.payoffs[m, t] > c.payoffs[m, k] for m in members)
            ]
            if not pp:
                expect.append(k + 1)
            assert coalition_improvements(c, key, k + 1) == tuple(sorted(t + 1 for t in pp))
        assert ids == tuple(expect)


@settings(max_examples=60, deadline=None)
@given(conflicts(max_dms=3, max_options=6))
def test_status_quo_reach_and_paths(c: Conflict) -> None:
    everyone = list(range(len(c.decision_makers)))
    for improving in (False, True):
        sq = status_quo_analysis(
            c, 1, targets=list(range(1, c.n_states + 1)), improvements_only=improving
        )
        expect = coalition_reach(c, everyone, 0, improving) | {0}
        assert sq.reachable == tuple(sorted(t + 1 for t in expect))
        fewest = shortest_moves(c, 0, improving)
        for target, path in sq.paths.items():
            assert (path is not None) == (target - 1 in expect)
            if path is not None:  # a shortest legal sequence, by an independent BFS
                assert len(path) == fewest[target - 1]
            for a, b in zip(path or (), (path or ())[1:], strict=False):
                assert a.target == b.source and a.dm != b.dm
            for step in path or ():
                i = c.dm_ids.index(step.dm)
                assert step.target - 1 in unilateral(c, i, step.source - 1)
                if improving:
                    assert c.payoffs[i, step.target - 1] > c.payoffs[i, step.source - 1]


def test_all_coalitions_default() -> None:
    rng = np.random.default_rng(1)
    from zopa.conflict import ConflictOption, DecisionMaker

    c = Conflict(
        "t",
        tuple(ConflictOption(f"o{j}") for j in range(3)),
        tuple(DecisionMaker(f"d{i}", (f"o{i}",)) for i in range(3)),
        np.arange(8, dtype=np.int64),
        rng.integers(1, 5, size=(3, 8)),
    )
    keys = set(coalition_analysis(c).stable)
    assert keys == {tuple(k) for r in (2, 3) for k in combinations(c.dm_ids, r)}
