"""One scenario through every output: each label, number and sentence is the same string in
the terminal tables, the plot, the briefing, the simulation report and the room's words.

Ids appear only where an output is for programmers (``--json``); a reader sees the words that
:mod:`zopa.vocab` writes, identically everywhere.
"""

from __future__ import annotations

import io
import re

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from rich.console import Console

from tests.briefing.helpers import visible_text
from tests.conftest import EXAMPLES
from zopa.analysis import analyze, compare, evaluate
from zopa.io import load_scenario
from zopa.negotiate import SessionConfig, simulate
from zopa.report.briefing import build_briefing, render_html
from zopa.report.fit import PIPE_WIDTH
from zopa.report.negotiate import render_session
from zopa.report.plot import utility_space_figure
from zopa.report.tables import render_analysis, render_comparison, render_evaluation
from zopa.vocab import option_label, party_label, red_line_words, solution, value_label


def _flat(text: str) -> str:
    """Whitespace and table borders folded, so a sentence wrapped over lines reads whole."""
    text = re.sub(r"[│┃║]", " ", text)
    return " ".join(text.split())


def _terminal(fn, *args) -> str:
    buf = io.StringIO()
    fn(*args, Console(file=buf, width=PIPE_WIDTH, color_system=None, highlight=False))
    return _flat(buf.getvalue())


@pytest.fixture(scope="module")
def outputs():
    s = load_scenario(EXAMPLES / "ukraine-2025.yaml")
    a = analyze(s)
    c = compare(s, "us-28", "europe")
    e = evaluate(s, "plan-20", edits=["army_cap=900000"])
    terminal = " ".join(
        [
            _terminal(render_analysis, a, s),
            _terminal(render_comparison, c, s),
            _terminal(render_evaluation, e, s),
        ]
    )
    fig = utility_space_figure(s, a, ("ukraine", "russia"))
    FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    plot = _flat(
        " ".join(
            [t.get_text() for t in ax.get_legend().get_texts()]
            + [t.get_text() for t in ax.texts]
            + [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        ).replace("- ", "-")
    )
    briefing = _flat(visible_text(render_html(build_briefing(s, analysis=a))))
    session = simulate(s, {}, config=SessionConfig(deadline=60), seed=1)
    sim = _terminal(render_session, session)
    return s, a, c, {"terminal": terminal, "plot": plot, "briefing": briefing, "simulate": sim}


def test_solution_names_read_the_same_everywhere(outputs):
    _, a, _, out = outputs
    for key, pt in a.solutions.items():
        assert pt is not None
        name = solution(key).name
        for where in ("terminal", "plot", "briefing"):
            assert name.lower() in out[where].lower(), (key, where)
        meaning = solution(key).meaning
        assert meaning in out["terminal"] and meaning in out["briefing"], key


def test_party_labels_and_numbers_in_units_read_the_same_everywhere(outputs):
    s, _, _, out = outputs
    for p in ("ukraine", "russia"):
        for where, text in out.items():
            assert party_label(s, p) in text, (p, where)
    army = s.issue("army_cap")
    shown = [option_label(army, k) for k in range(len(army.options))]
    assert shown[-1] == "900,000 troops"
    for where in ("terminal", "briefing", "simulate"):
        assert any(x in out[where] for x in shown), where
        assert not re.search(r"\b\d{6} troops", out[where]), where  # never "800000 troops"


def test_the_verdict_and_the_red_lines_are_one_sentence_everywhere(outputs):
    s, _, c, out = outputs
    assert c.verdict in out["terminal"]
    assert c.verdict in out["briefing"]
    assert "ukraine" not in c.verdict  # in labels, not ids
    for p, rules in c.before.broken.items():
        for r in rules:
            words = red_line_words(s, p, r)
            assert words in out["terminal"] and words in out["briefing"], r
            assert r not in out["terminal"]  # the rule as code stays in --json


def test_the_room_and_the_briefing_write_options_alike(outputs):
    s, _, _, _ = outputs
    for iss in s.issues:
        for k in range(len(iss.options)):
            assert value_label(iss, iss.options[k].id) == option_label(iss, k)
    assert "EUR 310,000" in _flat(
        visible_text(render_html(build_briefing(load_scenario(EXAMPLES / "no-overlap.yaml"))))
    )
