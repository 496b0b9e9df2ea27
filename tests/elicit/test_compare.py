"""Preferences fitted to comparisons of whole packages (UTA-style LP), against a known model."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from zopa.elicit import choices_from_ranking, fit, form_from_fit, propose, to_block
from zopa.model import build_scenario


def _space(sizes: list[int]) -> Any:
    return build_scenario(
        {
            "title": "t",
            "issues": [
                {"id": f"i{k}", "options": [f"o{j}" for j in range(n)]} for k, n in enumerate(sizes)
            ],
            "parties": [{"id": "a"}],
        },
        require_preferences=False,
    )


@st.composite
def known_models(draw: st.DrawFn) -> tuple[Any, list[dict[str, str]], list[float]]:
    """A random additive model, and 6-12 distinct packages with their true utilities."""
    sizes = draw(st.lists(st.integers(2, 4), min_size=2, max_size=4))
    sc = _space(sizes)
    w = [draw(st.integers(1, 20)) for _ in sizes]
    v = [[draw(st.integers(0, 20)) for _ in range(n)] for n in sizes]
    n_pk = draw(st.integers(6, 12))
    space = list(itertools.product(*[range(n) for n in sizes]))
    assume(len(space) >= n_pk)
    picks = draw(st.lists(st.sampled_from(space), min_size=n_pk, max_size=n_pk, unique=True))
    true = [sum(w[i] * v[i][x[i]] for i in range(len(sizes))) / 1.0 for x in picks]
    packages = [{f"i{i}": f"o{x[i]}" for i in range(len(sizes))} for x in picks]
    return sc, packages, true


@settings(max_examples=60, deadline=None)
@given(known_models(), st.booleans())
def test_answers_from_a_known_additive_model_fit_a_model_that_orders_every_pair_alike(
    case: tuple[Any, list[dict[str, str]], list[float]], ranked: bool
) -> None:
    sc, packages, true = case
    assume(len(set(true)) == len(true))  # strict answers only
    order = sorted(range(len(true)), key=lambda k: -true[k])
    if ranked:
        answers = choices_from_ranking(order)
    else:  # every pair picked one by one
        answers = [
            (a, b) if true[a] > true[b] else (b, a)
            for a, b in itertools.combinations(range(len(true)), 2)
        ]
    got = fit(sc, packages, answers)
    assert got.consistent and got.margin > 0 and got.revisit == ()
    assert abs(sum(got.weights.values()) - 1) < 1e-9
    for a, b in itertools.combinations(range(len(true)), 2):
        assert (got.utility(packages[a]) > got.utility(packages[b])) == (true[a] > true[b])


def test_answers_no_additive_model_explains_are_reported_with_the_pair_to_revisit() -> None:
    sc = _space([2, 2])
    p = [
        {"i0": "o0", "i1": "o0"},
        {"i0": "o1", "i1": "o0"},
        {"i0": "o1", "i1": "o1"},
        {"i0": "o0", "i1": "o1"},
    ]
    # o0 beats o1 on i0 when i1 is o0, but o1 beats o0 on i0 when i1 is o1: not additive
    got = fit(sc, p, [(0, 1), (2, 3)])
    assert not got.consistent and len(got.revisit) == 1
    # a cycle: one answer of the three must go
    cyc = fit(sc, p, [(0, 1), (1, 2), (2, 0)])
    assert not cyc.consistent and len(cyc.revisit) == 1
    # dropping the named answer leaves a consistent set
    rest = [a for k, a in enumerate(cyc.answers) if k not in cyc.revisit]
    assert fit(sc, p, rest).consistent


def test_proposed_packages_differ_and_the_fit_reads_back_as_the_form() -> None:
    sc = _space([3, 3, 2, 4])
    pk = propose(sc, 8, seed=1)
    assert len(pk) == 8 and len({tuple(sorted(x.items())) for x in pk}) == 8
    assert pk == propose(sc, 8, seed=1)  # the same questions on every page load
    true = [(int(x["i0"][1]) * 3 + int(x["i3"][1])) for x in pk]
    assume_unique = len(set(true)) == len(true)
    order = sorted(range(8), key=lambda k: -true[k])
    answers = choices_from_ranking(order) if assume_unique else [(order[0], order[-1])]
    got = fit(sc, pk, answers)
    form = form_from_fit(sc, got.weights, got.values)
    assert abs(sum(f.points or 0 for f in form.issues) - 100) < 1e-9
    block = to_block(sc, form)
    assert set(block["weights"]) == {"i0", "i1", "i2", "i3"}


@settings(max_examples=8, deadline=None)
@given(known_models())
def test_pairs_asked_until_settled_fit_a_model_that_orders_every_pair_as_the_truth(
    case: tuple[Any, list[dict[str, str]], list[float]],
) -> None:
    from zopa.elicit import next_pair, open_pairs

    sc, packages, true = case
    assume(len(set(true)) == len(true))
    answers: list[tuple[int, int]] = []
    n = len(packages)
    for _ in range(n * (n - 1) // 2):
        pair = next_pair(sc, packages, answers)
        if pair is None:
            break
        a, b = pair
        assert (a, b) not in answers and (b, a) not in answers  # never asked twice
        answers.append((a, b) if true[a] > true[b] else (b, a))
    assert next_pair(sc, packages, answers) is None and open_pairs(sc, packages, answers) == {}
    assert len(answers) < n * (n - 1) // 2 or n <= 2  # additivity settles some pairs unasked
    got = fit(sc, packages, answers)
    assert got.consistent
    for a, b in itertools.combinations(range(n), 2):
        assert (got.utility(packages[a]) > got.utility(packages[b])) == (true[a] > true[b])


def test_a_pair_answered_against_the_others_is_named_to_revisit() -> None:
    sc = _space([2, 2])
    p = [
        {"i0": "o0", "i1": "o0"},
        {"i0": "o1", "i1": "o0"},
        {"i0": "o1", "i1": "o1"},
        {"i0": "o0", "i1": "o1"},
    ]
    got = fit(sc, p, [(0, 1), (1, 2), (3, 2), (2, 0)])
    assert not got.consistent and len(got.revisit) == 1
