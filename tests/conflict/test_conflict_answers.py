"""`zopa stability` answers in words, and its state graph shows what it says it shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from zopa.cli import main
from zopa.conflict import analyze, load_conflict
from zopa.errors import AnalysisError
from zopa.report.conflict import CONCEPT_MEANING, MAX_PLOT_STATES, state_graph_figure

NUCLEAR = Path(__file__).resolve().parents[2] / "examples" / "conflicts" / "nuclear_talks.yaml"


def test_states_in_words() -> None:
    c = load_conflict(NUCLEAR)
    sq = c.status_quo
    assert sq is not None
    words = c.choices(sq)
    assert words["west"] == ("Impose sanctions",)
    assert words["iran"] == ("Enrich to weapons grade",)
    assert words["eu"] == ()
    assert c.describe(sq).startswith("west: Impose sanctions; iran: Enrich")
    # a move in words names the mover and the option it changes
    target = c.index_of_code(int(c.codes[sq]) & ~(1 << c.option_index("sanctions")))
    assert target is not None
    assert c.move_text("west", sq, target) == "west drops 'Impose sanctions'"


def test_stability_output_explains_concepts_and_marks_status_quo(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["stability", str(NUCLEAR), "--status-quo"]) == 0
    out = capsys.readouterr().out
    for line in CONCEPT_MEANING.values():
        assert line.split(":")[0] in out
    assert "(status quo)" in out
    assert "status quo: state 6 YNYNN - west: Impose sanctions" in out
    assert "west takes up 'Military strike' (-> 8)" in out


def test_state_graph_content() -> None:
    result = analyze(load_conflict(NUCLEAR))
    fig = state_graph_figure(result, "nash")
    ax = fig.axes[0]
    texts = {t.get_text() for t in ax.texts}
    n = result.conflict.n_states
    for k in range(n):
        assert f"{k + 1}\n{result.conflict.pattern(k)}" in texts  # every state labelled
    assert any(t.startswith("code: sanctions strike enrich comply talks") for t in texts)
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {"move by west", "move by iran", "move by eu", "status quo", "Nash (R)"} <= legend
    # arrows have a head (direction of moves) and columns are distances from the status quo
    arrows = [a for a in ax.texts if hasattr(a, "arrow_patch") and a.arrow_patch is not None]
    assert arrows
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "0 moves"


def test_state_graph_refused_when_unreadable(tmp_path: Path) -> None:
    options = "\n".join(f"      - {{id: o{j}}}" for j in range(7))  # 128 states
    f = tmp_path / "big.yaml"
    f.write_text(
        "title: big\ndecision_makers:\n  - id: a\n    options:\n"
        + options
        + "\n    preferences:\n      prioritisation: [o0]\n"
        "  - id: b\n    options:\n      - {id: p0}\n    preferences:\n"
        "      prioritisation: [p0]\n"
    )
    result = analyze(load_conflict(f))
    assert result.conflict.n_states > MAX_PLOT_STATES
    with pytest.raises(AnalysisError, match="cannot be read"):
        state_graph_figure(result)
    assert main(["stability", str(f), "--plot", str(tmp_path / "g.png")]) == 2
    assert not (tmp_path / "g.png").exists()
