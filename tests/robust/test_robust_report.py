"""What `zopa robust` shows: the tables, sentences and charts of ``zopa.report.robust`` read
back and checked against the numbers of the result they render (global sensitivity, PRIM,
drafts, warnings and notes), for Sobol indices and Shapley effects."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from rich.console import Console

from zopa.model import Scenario, build_scenario
from zopa.model.uncertainty import RedLine
from zopa.report.robust import (
    box_in_words,
    odds_words,
    output_in_words,
    prim_figure,
    render_robust,
    robust_json,
    sensitivity_figure,
    sensitivity_sentences,
)
from zopa.robust import RobustAnalysis, robustness
from zopa.robust.analysis import Odds
from zopa.vocab import amount, interval, parameter_in_words, percent


def _n(x: float) -> str:
    """A parameter's value as the tables write it: zopa.vocab's number, 3 significant digits."""
    return amount(float(f"{x:.3g}"))


def _price_and_red_line() -> dict[str, Any]:
    """One price: the seller's reservation and its red line "price >= 70" uncertain, the
    buyer's reservation too; a zone exists for some draws only, so every answer has a spread."""
    return {
        "title": "one price",
        "issues": [
            {
                "id": "price",
                "label": "Price",
                "numeric": {"min": 0, "max": 100, "step": 1, "unit": "EUR"},
            }
        ],
        "parties": [
            {
                "id": "seller",
                "label": "The seller",
                "preferences": {
                    "weights": {"price": 1},
                    "values": {"price": {0: 0, 100: 1}},
                    "reservation": 0.5,
                    "red_lines": ["price >= 70"],
                    "uncertainty": {"reservation": [0.3, 0.9], "red_lines": {"price >= 70": 0.3}},
                },
            },
            {
                "id": "buyer",
                "label": "The buyer",
                "preferences": {
                    "weights": {"price": 1},
                    "values": {"price": {0: 1, 100: 0}},
                    "reservation": 0.4,
                    "uncertainty": {"reservation": [0.2, 0.6]},
                },
            },
        ],
        "drafts": [{"id": "half", "label": "Half way", "package": {"price": 50}}],
    }


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return build_scenario(_price_and_red_line())


@pytest.fixture(scope="module")
def sobol(scenario: Scenario) -> RobustAnalysis:
    return robustness(
        scenario, samples=2000, seed=3, sensitivity_samples=200, method="sobol", sobol_base=64,
        boxes=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def shapley(scenario: Scenario) -> RobustAnalysis:
    return robustness(
        scenario, samples=2000, seed=3, sensitivity_samples=200, method="shapley",
        output="draft:half",
    )  # fmt: skip


def _text(r: RobustAnalysis, scenario: Scenario | None, **kw: Any) -> str:
    con = Console(record=True, width=250, color_system=None)
    render_robust(r, con, scenario=scenario, **kw)
    return con.export_text()


# zopa.vocab's one share-with-interval: "18.2% [11.0%, 27.5%]" ("<0.1%", ">99.9%" at the edges)
_PCT = r"[<>]?(\d+\.\d)%"
_SHARE = re.compile(rf"{_PCT} \[{_PCT}, {_PCT}\]")


def _shares(line: str) -> list[tuple[float, float, float]]:
    return [(float(a), float(b), float(c)) for a, b, c in _SHARE.findall(line)]


def _close(shown: tuple[float, float, float], x: float, ci: tuple[float, float] | None) -> bool:
    lo, hi = ci or (x, x)
    v = min(1.0, max(0.0, x))
    want = [100 * v, 100 * min(v, max(0.0, lo)), 100 * max(v, min(1.0, hi))]
    return all(abs(s - w) <= 0.1 + 1e-9 for s, w in zip(shown, want, strict=True))


def test_the_sobol_table_shows_each_index_in_words_largest_first(sobol, scenario) -> None:
    g = sobol.global_sensitivity
    assert g is not None and g.method == "sobol" and len(g.indices) == 3
    text = _text(sobol, scenario)
    what = "whether an agreement zone exists"
    title = f"Global sensitivity of {what} (Sobol indices, {g.runs:,} runs"
    assert title in " ".join(text.split())
    table = text[text.index("Global sensitivity") :].splitlines()
    rows = [line for line in table if line.startswith("│ The ")]
    names = [parameter_in_words(scenario, i.parameter) for i in g.indices]
    assert names == [re.split(r"\s{2,}|│", row)[1].strip() for row in rows[: len(names)]]
    assert "The seller: red line “Price: at least EUR 70” is real" in names
    for row, i in zip(rows, g.indices, strict=False):
        first, total = _shares(row)
        assert _close(first, i.first_order or 0.0, i.first_order_ci)
        assert _close(total, i.total or 0.0, i.total_ci)
    totals = [i.total or 0.0 for i in g.indices]
    assert totals == sorted(totals, reverse=True)
    # the three largest in words, below the table
    for sentence in sensitivity_sentences(sobol, scenario):
        assert sentence in " ".join(text.split())
        assert "alone explains" in sentence and "with its interactions" in sentence


def test_shapley_effects_name_the_draft_by_its_label_and_sum_to_100(shapley, scenario) -> None:
    g = shapley.global_sensitivity
    assert g is not None and g.method == "shapley"
    text = " ".join(_text(shapley, scenario).split())
    what = "whether every gating party accepts “Half way”"
    assert f"Global sensitivity of {what} (Shapley effects on {g.runs:,} kept samples" in text
    assert "Shapley effect" in text and "alone (first order)" not in text
    shown = [_shares(s)[0] for s in sensitivity_sentences(shapley, scenario)]
    assert all(_close(s, i.effect or 0.0, i.effect_ci) for s, i in zip(shown, g.indices))
    assert abs(sum(s[0] for s in shown) - 100) <= 0.1 * len(shown)  # rounding, 0.1 each
    assert all(f"note: {n}" in text for n in g.notes) and g.notes
    # without the scenario the draft keeps its id, the parameters their code names
    assert output_in_words(g.output) == "whether every gating party accepts “half”"
    assert sensitivity_sentences(shapley)[0].startswith(g.indices[0].parameter.name + " ")
    assert output_in_words("margin") == "the best package's smallest margin"


def test_the_prim_box_in_a_table_and_in_words(sobol, scenario) -> None:
    p = sobol.prim
    assert p is not None and p.boxes
    box = p.boxes[0]
    text = _text(sobol, scenario)
    assert (
        f"Where the zone lives (PRIM box, step {p.chosen} of {len(p.trajectory) - 1} of the "
        f"peeling; density {percent(box.density)}, coverage {percent(box.coverage)})"
    ) in " ".join(text.split())
    flat = " ".join(text.split())
    for prm, lo, hi in box.limits:
        name = parameter_in_words(scenario, prm)
        table = text[text.index("Where the zone lives") :].splitlines()
        row = next(line for line in table if line.startswith(f"│ {name} "))
        if isinstance(prm.target, RedLine):
            assert ("present" if lo > 0.5 else "absent") in row and "absent / present" in row
            assert f"{name}: {'no' if hi < 0.5 else 'yes'}" in flat
        else:
            assert f"{_n(lo)} .. {_n(hi)}" in row and f"{_n(prm.low)} .. {_n(prm.high)}" in row
            assert f"(range {_n(prm.low)} to {_n(prm.high)})" in flat
            # "at least 0.3" of a range from 0.3 says nothing: only limits that read as moved
            for word, x, end in (("at least", lo, prm.low), ("at most", hi, prm.high)):
                said = f"{name} {word} {_n(x)}" in flat or f"and {word} {_n(x)} (range" in flat
                assert said == (_n(x) != _n(end)), (word, x, end)
    sentence = box_in_words(sobol, scenario)
    assert sentence in flat
    assert sentence.startswith(f"A zone exists in {percent(box.density)} of the samples where")
    assert f"against {percent(p.base_density)} overall" in sentence
    numeric = next(prm for prm, _, _ in box.limits if not isinstance(prm.target, RedLine))
    low, high = numeric.low, numeric.high
    nudged = dataclasses.replace(box, limits=((numeric, low + 1e-9, high),))
    only = box_in_words(dataclasses.replace(sobol, prim=dataclasses.replace(p, boxes=(nudged,))))
    assert f"{numeric.name} at least {_n(low)} (range" in only  # all there is: said anyway
    # a box that restricts nothing says so
    bare = dataclasses.replace(p, boxes=(dataclasses.replace(box, limits=()),))
    plain = box_in_words(dataclasses.replace(sobol, prim=bare))
    assert plain.startswith("No box improves on the whole space: a zone exists in ")
    assert f"{percent(p.base_density)} of the kept samples" in plain


def test_without_global_sensitivity_or_prim_those_parts_are_absent(shapley) -> None:
    r = dataclasses.replace(shapley, global_sensitivity=None, prim=None)
    text = _text(r, None)
    assert "Global sensitivity" not in text and "PRIM" not in text
    assert sensitivity_sentences(r) == [] and box_in_words(r) == ""
    assert "P(an agreement zone exists)" in text


def test_warnings_notes_infeasible_drafts_and_rows_beyond_the_limit(shapley) -> None:
    (name, d), *_ = shapley.drafts.items()
    r = dataclasses.replace(
        shapley,
        warnings=("only 12 samples satisfy the evidence",),
        notes=("a note for the reader",),
        drafts={name: dataclasses.replace(d, feasible=False)},
        global_sensitivity=None,
    )
    text = _text(r, None, sensitivity_rows=1)
    assert "warning: only 12 samples satisfy the evidence" in text
    assert "note: a note for the reader" in text
    row = next(line for line in text.splitlines() if line.startswith(f"│ {name} "))
    assert row.rstrip(" │").endswith(odds_words(d.all) + " (infeasible)")
    assert f"({len(r.sensitivity) - 1} more parameters in --json)" in text
    widest = r.sensitivity[0].parameter.name
    assert widest in text and r.sensitivity[1].parameter.name not in text


def test_odds_in_words_at_the_edges() -> None:
    assert odds_words(Odds(0, 0)) == "n/a"
    assert odds_words(Odds(7, 7, exact=True)) == f"{percent(1.0)} (exact: no uncertainty)"
    # an exact 0% or 100% reads as zopa.vocab writes it everywhere, with its interval
    none = odds_words(Odds(0, 400))
    assert none == f"{percent(0.0)} {interval(0.0, Odds(0, 400).ci95[1])}" == "0.0% [0.0%, 1.0%]"
    every = odds_words(Odds(400, 400))
    assert every == f"{percent(1.0)} {interval(Odds(400, 400).ci95[0], 1.0)}"
    assert every.startswith("100.0% [99.") and every.endswith(", 100.0%]")
    some = Odds(120, 400)
    assert odds_words(some) == f"{percent(0.3)} {interval(*some.ci95)}"
    lo, hi = some.ci95
    assert lo < 0.3 < hi


def test_sensitivity_figure_draws_each_share_with_its_interval(sobol, shapley, scenario) -> None:
    g = sobol.global_sensitivity
    assert g is not None
    (ax,) = [a for a in sensitivity_figure(sobol, scenario=scenario).axes]
    n = len(g.indices)
    assert len(ax.patches) == 2 * n  # first order and total, one bar each
    widths = [round(b.get_width(), 12) for b in ax.patches]
    first = [min(1.0, max(0.0, i.first_order or 0.0)) for i in g.indices][::-1]
    total = [min(1.0, max(0.0, i.total or 0.0)) for i in g.indices][::-1]
    assert widths == [round(x, 12) for x in first + total]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [parameter_in_words(scenario, i.parameter) for i in g.indices][::-1]
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == [
        "alone (first order)",
        "with interactions (total)",
    ]
    assert ax.get_xlim() == (0.0, 1.0)
    assert "whether an agreement zone exists" in ax.get_title()
    assert "(Sobol indices)" in ax.get_title()
    (top,) = sensitivity_figure(sobol, scenario=scenario, rows=1).axes
    assert len(top.patches) == 2

    gs = shapley.global_sensitivity
    assert gs is not None
    (ax,) = sensitivity_figure(shapley).axes
    assert [round(b.get_width(), 12) for b in ax.patches] == [
        round(min(1.0, max(0.0, i.effect or 0.0)), 12) for i in gs.indices
    ][::-1]
    assert ax.get_legend() is None
    assert "Shapley effects (evidence included)" in ax.get_title()
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == gs.indices[0].parameter.name


def test_prim_figure_plots_the_peeling_and_marks_the_chosen_box(sobol) -> None:
    p = sobol.prim
    assert p is not None
    fig = prim_figure(sobol)
    ax = fig.axes[0]
    dots, chosen = ax.collections[:2]
    assert [tuple(xy) for xy in dots.get_offsets()] == [
        (b.coverage, b.density) for b in p.trajectory
    ]
    assert [tuple(xy) for xy in chosen.get_offsets()] == [(p.boxes[0].coverage, p.boxes[0].density)]
    (line, vline) = ax.lines
    assert list(vline.get_xdata()) == [p.min_coverage, p.min_coverage]
    assert list(line.get_xdata()) == [b.coverage for b in p.trajectory]
    legend = ax.get_legend()
    assert legend is not None and [t.get_text() for t in legend.get_texts()] == ["chosen box"]
    assert fig.axes[1].get_ylabel() == "parameters restricted"


def test_robust_json_adds_the_sentences_in_words(sobol, scenario) -> None:
    out = robust_json(sobol, scenario)
    sens: Any = out["sensitivity"]
    assert [row["in_words"] for row in sens["indices"]] == sensitivity_sentences(sobol, scenario)
    prim: Any = out["prim"]
    assert prim["boxes"][0]["in_words"] == box_in_words(sobol, scenario)
    packages: Any = out["packages"]
    assert packages["in_words"].startswith(f"{sobol.outcomes:,} packages, ")
    assert f"{sobol.candidates:,} packages solved exactly in each sample" in packages["in_words"]
