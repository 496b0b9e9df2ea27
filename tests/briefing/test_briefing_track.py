"""The briefing's "talks over time" section (issue 19 §4): `zopa report ... --log LOG.yaml`."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.briefing.helpers import visible_text
from tests.conftest import EXAMPLES
from zopa.cli import main
from zopa.io import load_scenario
from zopa.report.briefing import build_briefing, render_html
from zopa.report.track import changes_since
from zopa.robust.analysis import Odds
from zopa.robust.track import Report, Step, Track, read_log, track
from zopa.vocab import percent

SCENARIO = EXAMPLES / "ukraine-2025.yaml"
LOG = EXAMPLES / "robust" / "ukraine-log.yaml"
NEWS = ["geneva-revision.txt", "kremlin-revisions.txt", "berlin-plan.txt"]


@pytest.fixture(scope="module")
def tracked():
    s = load_scenario(SCENARIO)
    reports = [
        Report("geneva-revision.txt", "Geneva", "2025-11-24"),
        Report("kremlin-revisions.txt", "Kremlin", "2025-12-02"),
    ]
    t = track(s, read_log(str(LOG)), reports, samples=300, seed=0, since="2025-12-01")
    b = build_briefing(s, track=t, log="ukraine-log.yaml", since="2025-12-01")
    return s, t, b, render_html(b)


def test_the_section_follows_the_track_step_by_step(tracked):
    s, t, b, _ = tracked
    assert b.track is not None
    assert [x.date for x in b.track.steps] == [x.date for x in t.steps]
    for mine, theirs in zip(b.track.steps, t.steps, strict=True):
        assert mine.zone_probability == theirs.zone.probability
        assert mine.ci95 == theirs.zone.ci95
        labels = [label for label, _ in mine.drafts]
        assert labels == [s.draft(d).label for d in theirs.drafts]
        assert [p for _, p in mine.drafts] == [o.probability for o in theirs.drafts.values()]
    assert b.track.rejected == t.rejected == 1
    assert b.to_dict()["track"]["samples"] == 300


def test_the_page_shows_the_chart_the_odds_and_what_changed_in_words(tracked):
    _, t, _, html = tracked
    section = re.search(r'<section id="track">(.*?)</section>', html, re.S)
    assert section is not None
    body = section.group(1)
    assert re.search(r'<figure class="chart wide" id="chart-track"><svg\b', body)
    text = visible_text(body)
    assert "What changed since 2025-12-01" in text
    # evidence and drafts by label, never by id
    assert "Russia rejects “European counter-text”: it is not acceptable (confidence 0.9)" in text
    assert "russia rejects europe" not in text and "plan-20" not in text
    for step in t.steps:
        assert step.date in text
        assert percent(step.zone.probability) in text
    assert "matters most now" in text
    assert "russia.reservation" not in text and "ukraine.reservation" not in text


def test_without_a_log_the_section_says_how_to_add_it():
    html = render_html(build_briefing(load_scenario(SCENARIO), charts=False))
    text = visible_text(re.search(r'<section id="track">(.*?)</section>', html, re.S).group(1))
    assert "No evidence log was given" in text and "--log LOG.yaml" in text


def test_the_cli_writes_the_section_from_the_log_and_the_reports(tmp_path, capsys):
    out = tmp_path / "b.html"
    news = [a for n in NEWS for a in ("--news", str(EXAMPLES / "news" / n))]
    args = ["report", str(SCENARIO), "-o", str(out), "--log", str(LOG), *news]
    assert main([*args, "--year", "2025", "--samples", "200", "--since", "2025-12-01"]) == 0
    html = out.read_text(encoding="utf-8")
    text = visible_text(re.search(r'<section id="track">(.*?)</section>', html, re.S).group(1))
    for date in ("2025-11-23", "2025-11-24", "2025-12-02", "2025-12-24"):
        assert date in text
    assert "kremlin-revisions.txt" in text or "Kremlin" in text
    assert 'id="chart-track"' in html


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--since", "2025-12-01"], "give the reviewed evidence log with --log"),
        (["--news", str(EXAMPLES / "news" / "berlin-plan.txt")], "--log"),
        (["--log", str(LOG), "--samples", "0"], "--samples > 0"),
        (["--log", str(LOG), "--since", "1 Dec"], "is not a date YYYY-MM-DD"),
        (["--log", "no-such-log.yaml"], "no-such-log.yaml"),
    ],
)
def test_bad_track_options_are_refused_before_any_work(tmp_path, capsys, extra, message):
    out = tmp_path / "b.html"
    assert main(["report", str(SCENARIO), "-o", str(out), *extra]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def _track(a: int, b: int, of: int) -> Track:
    def step(date: str, count: int) -> Step:
        return Step(date, ("r",), (), Odds(count, of), {"d": Odds(count, of)}, of, None)

    return Track("t", (step("2025-01-01", a), step("2025-01-02", b)), (), of, 0, {}, 0)


@given(st.integers(0, 100_000), st.integers(0, 100_000), st.integers(1, 100_000))
def test_a_move_is_unchanged_exactly_when_the_shown_figures_are_equal(a, b, of):
    a, b = min(a, of), min(b, of)
    lines = changes_since(_track(a, b, of), "2025-01-01")
    zone = next(x for x in lines if x.strip().startswith("P(an agreement zone exists)"))
    shown_equal = percent(a / of) == percent(b / of)
    assert ("(unchanged)" in zone) == shown_equal
    assert not re.search(r"(?<![\d.])0\.0 points", zone)
    if not shown_equal:
        assert ("up" in zone) == (b > a)
