"""The two stability engines (cube sweeps and move tables) against the definition-literal
oracle, on random small conflicts whose decision makers hold interleaved options (the cube
engine's general sweep) as well as contiguous ones (its block path); and the cube operators
against a brute force over every pair of codes."""

from __future__ import annotations

import numpy as np
import pytest
from conflict_oracle import conflicts, oracle_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zopa.conflict import CONCEPTS, Conflict, DecisionMaker, analyze
from zopa.conflict.cube import INF, cube_moves
from zopa.conflict.stability import analysis_work

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def interleaved(draw: st.DrawFn) -> Conflict:
    """A random conflict whose options are dealt to the DMs in a random order."""
    c = draw(conflicts(max_options=6))
    owners = draw(st.permutations(range(len(c.options))))
    sizes = [len(dm.options) for dm in c.decision_makers]
    dms, k = [], 0
    for dm, size in zip(c.decision_makers, sizes, strict=True):
        dms.append(DecisionMaker(dm.id, tuple(c.options[j].id for j in owners[k : k + size])))
        k += size
    return Conflict(c.title, c.options, tuple(dms), c.codes, c.payoffs)


def _both_engines_equal_oracle(c: Conflict) -> None:
    for engine in ("cube", "table"):
        r = analyze(c, engine=engine)
        for concept in CONCEPTS:
            np.testing.assert_array_equal(
                r.stable[concept], oracle_table(c, concept), f"{engine} {concept}"
            )


@SETTINGS
@given(conflicts())
def test_both_engines_equal_the_definitions(c: Conflict) -> None:
    _both_engines_equal_oracle(c)


@SETTINGS
@given(interleaved())
def test_interleaved_options_equal_the_definitions(c: Conflict) -> None:
    _both_engines_equal_oracle(c)


def _brute_min(c: Conflict, dm: int, values: np.ndarray, improving: bool) -> np.ndarray:
    """Least value over every legal move, written from the definition, code by code."""
    own = set(c.decision_makers[dm].options)
    mask = sum(1 << b for b, o in enumerate(c.options) if o.id in own)
    feasible = set(c.codes.tolist())
    pay = dict(zip(c.codes.tolist(), c.payoffs[dm].tolist(), strict=True))
    out = np.full(values.shape, INF, dtype=np.int64)
    for x in feasible:
        for y in feasible:
            flipped = x ^ y
            if flipped == 0 or flipped & ~mask:
                continue
            legal = all(
                c.options[b].direction == "both"
                or (c.options[b].direction == "forward" and not x >> b & 1)
                or (c.options[b].direction == "backward" and x >> b & 1)
                for b in range(len(c.options))
                if flipped >> b & 1
            )
            if legal and (not improving or pay[y] > pay[x]):
                out[:, x] = np.minimum(out[:, x], values[:, y])
    return out


@SETTINGS
@given(interleaved(), st.randoms(use_true_random=False))
def test_cube_operators_equal_brute_force(c: Conflict, rnd: object) -> None:
    size = 1 << len(c.options)
    rng = np.random.default_rng(len(c.codes))
    values = rng.integers(0, 5, size=(2, size)).astype(np.int64)
    real = np.zeros(size, dtype=bool)
    real[c.codes] = True
    values[:, ~real] = INF
    for dm, cube in enumerate(cube_moves(c)):
        want = _brute_min(c, dm, values, improving=False)
        np.testing.assert_array_equal(cube.min_over_moves(values)[:, real], want[:, real])
        if cube.reversible:
            pay = np.zeros(size, dtype=np.int64)
            pay[c.codes] = c.payoffs[dm]
            cube.prepare_improving(pay)
            want = _brute_min(c, dm, values, improving=True)
            np.testing.assert_array_equal(cube.min_over_improving(values)[:, real], want[:, real])


def test_engine_choice_and_refusal() -> None:
    """Small and sparse conflicts go to the move tables, dense large ones to the cube."""
    from zopa.conflict import ConflictOption

    options = tuple(ConflictOption(f"o{j}") for j in range(16))
    dms = (
        DecisionMaker("a", tuple(f"o{j}" for j in range(8))),
        DecisionMaker("b", tuple(f"o{j}" for j in range(8, 16))),
    )
    dense = np.arange(1 << 16, dtype=np.int64)
    c = Conflict("dense", options, dms, dense, np.ones((2, dense.size), dtype=np.int64))
    assert analysis_work(c)[0] == "cube"
    sparse = dense[:: 1 << 12]
    c = Conflict("sparse", options, dms, sparse, np.ones((2, sparse.size), dtype=np.int64))
    assert analysis_work(c)[0] == "table"
    with pytest.raises(ValueError, match="engine"):
        analyze(c, engine="fast")
