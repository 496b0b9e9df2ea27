"""One scenario through every output: each label, number and sentence is the same string in
the terminal tables (``analyze``, ``compare``, ``evaluate``, ``robust``), the plot, the
briefing, the simulation report and the room's words.

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
from zopa.report.robust import render_robust
from zopa.report.tables import issue_name, render_analysis, render_comparison, render_evaluation
from zopa.robust import RobustAnalysis, robustness
from zopa.vocab import (
    draft_label,
    evidence_words,
    interval,
    option_label,
    parameter_in_words,
    party_label,
    percent,
    points,
    red_line_words,
    solution,
    value_label,
)


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
    out = {"terminal": terminal, "plot": plot, "briefing": briefing, "simulate": sim}
    return s, a, c, out


@pytest.fixture(scope="module")
def robust(outputs) -> tuple[RobustAnalysis, str]:
    """``zopa robust``'s terminal output with every part: drafts, packages, what excludes the
    robust package, Shapley effects, the PRIM box, the quick sensitivity and the evidence."""
    s = outputs[0]
    r = robustness(s, samples=300, seed=0, sensitivity_samples=60, method="shapley", boxes=True)
    assert r.drafts and r.robust_package and r.global_sensitivity and r.prim and r.evidence
    return r, _terminal(lambda r, con: render_robust(r, con, scenario=s), r)


_PCT = r"[<>]?\d+\.\d%"  # zopa.vocab.percent: one decimal, "<0.1%" and ">99.9%" at the edges
_SHARE = re.compile(rf"{_PCT} \[{_PCT}, {_PCT}\]")  # a share and its interval


def test_robust_speaks_in_labels_and_units_as_analyze_does(outputs, robust):
    s, _, _, out = outputs
    r, text = robust
    rp = r.robust_package
    assert rp is not None
    for issue, value in rp.package.items():  # issues and options as analyze writes them
        iss = s.issue(issue)
        assert issue_name(iss) in text and issue_name(iss) in out["terminal"], issue
        if iss.numeric:
            assert value_label(iss, value) in text, issue  # "900,000 troops"
        else:
            o = next(o for o in iss.options if o.id == str(value))
            assert f"{issue}={o.id}: {o.label}" in text, issue  # the key below, as analyze's
    assert not re.search(r"(?<![\d,.])\d{5,}(?![\d,])", text)  # never "900000"


def test_robust_names_parties_and_drafts_by_label(outputs, robust):
    s, _, _, out = outputs
    r, text = robust
    for p in r.parties:  # the header, the drafts and the exclusions
        assert party_label(s, p) in text and party_label(s, p) in out["briefing"], p
    for d in s.drafts:
        assert draft_label(s, d.id) in text, d.id
    ids = [p.id for p in s.parties] + [d.id for d in s.drafts]
    assert not re.findall(rf"(?<![\w/.-])({'|'.join(map(re.escape, ids))})(?![\w-])", text)


def test_robust_names_parameters_in_words(outputs, robust):
    s, _, _, _ = outputs
    r, text = robust
    g = r.global_sensitivity
    assert g is not None and r.prim is not None
    shown = [x.parameter for x in r.sensitivity[:10]] + [i.parameter for i in g.indices]
    shown += [prm for prm, _, _ in r.prim.boxes[0].limits]
    for prm in shown:  # the tornado's, the briefing's and Shapley's words: ids only in --json
        assert parameter_in_words(s, prm) in text, prm.name
        assert prm.name not in text, prm.name


def test_robust_states_the_evidence_as_track_does(outputs, robust):
    s, _, _, _ = outputs
    _, text = robust
    for e in s.evidence:  # zopa track's sentence for each evidence item
        assert evidence_words(s, e.party, e.kind, e.draft, e.over, e.confidence) in text
        assert e.describe() not in text


def test_robust_percentages_and_intervals_are_zopa_vocabs(robust):
    r, text = robust
    for d in r.drafts.values():  # an exact 0% or 100% reads as it does in every other cell
        for p in d.parties.values():
            assert percent(p.probability) in text
        assert d.all.probability is not None
        lo, hi = (min(max(x, 0.0), 1.0) for x in d.all.ci95)
        cell = f"{percent(d.all.probability)} {interval(min(lo, d.all.probability), hi)}"
        assert _SHARE.fullmatch(cell) and cell in text, cell
    assert "interval 0 to" not in text and not re.search(r"(?<![\d.])(0|100)%", text)
    # every share with an interval (drafts, zone, Shapley effects) in the one format
    starts = [m.start() for m in re.finditer(r"\d% \[", text)]
    assert starts and all(_SHARE.match(text, text.rfind(" ", 0, i) + 1) for i in starts)
    assert not re.search(r"\d+% \[\d+, \d+\]", text)  # not "18% [11, 28]"
    # the quick view's swing in percentage points, as zopa track writes it
    widths = [s.width for s in r.sensitivity if s.width is not None]
    assert widths and points(widths[0]) in text and points(widths[0]).endswith(" points")


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


def test_the_briefing_writes_robust_intervals_as_the_terminal_does(outputs, robust):
    s, a, _, _ = outputs
    r, text = robust
    p = r.zone.probability
    assert p is not None
    lo, hi = r.zone.ci95
    assert f"{percent(p)} {interval(lo, hi)}" in text
    page = _flat(visible_text(render_html(build_briefing(s, analysis=a, robustness=r))))
    assert f"{percent(p)} (95% interval {interval(lo, hi)})" in page
    assert not re.search(r"\d%–\d", page)  # not "95.7%–98.7%": one interval format


def test_party_names_with_ids_and_estimated_counts_are_one_helper_each():
    """Tables that show ids beside labels and the estimated zone size use zopa.vocab."""
    import zopa.report.tables as tables
    from zopa.vocab import draft_label, estimated_count, party_label

    s = load_scenario(EXAMPLES / "ukraine-2025.yaml")
    assert not hasattr(tables, "party_name")
    assert party_label(s, "europe", with_id=True) == "European governments (europe)"
    assert party_label(s, "ukraine", with_id=True) == "Ukraine"
    assert party_label(s, "nobody", with_id=True) == "nobody"
    assert draft_label(s, "us-28", with_id=True) == "US 28-point draft (us-28)"
    assert draft_label(s, "us-28 (edited)", with_id=True) == "US 28-point draft (us-28) (edited)"
    compared = _terminal(render_comparison, compare(s, "us-28", "europe"), s)
    assert "US 28-point draft (us-28) -> European counter-text (europe)" in compared
    assert estimated_count(3187, 3100, 3300) == "about 3,187 (95% interval 3,100–3,300, estimated)"
