"""The analyst's briefing: content, labels, escaping of hostile files, PDF and the CLI."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.briefing.helpers import HOSTILE, hostile_yaml, parse, visible_text
from tests.conftest import EXAMPLES, ROOT
from zopa.analysis import compare
from zopa.cli import main
from zopa.io import load_any, load_scenario
from zopa.report.briefing import build_briefing, render_html
from zopa.vocab import SOLUTION_KEYS, solution, value_label

SECTIONS = (
    "summary",
    "scenario",
    "zone",
    "frontier",
    "solutions",
    "drafts",
    "concessions",
    "robustness",
    "evidence",
)


@pytest.fixture(scope="module")
def ukraine():
    s = load_scenario(EXAMPLES / "ukraine-2025.yaml")
    b = build_briefing(s)
    return s, b, render_html(b)


def test_every_section_is_on_the_page(ukraine):
    _, _, html = ukraine
    ids = parse(html).ids
    for sec in SECTIONS:
        assert sec in ids, sec
    # the frontier charts are inline SVG, one per pair of the three gating parties
    assert html.count("<svg") == 3
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html


def test_issues_options_and_parties_appear_by_label_not_id(ukraine):
    s, _, html = ukraine
    text = visible_text(html)
    for iss in s.issues:
        assert iss.label in text
        for o in iss.options:
            assert value_label(iss, o.id) in text  # numbers as 800,000 troops
    for p in s.parties:
        assert p.label in text
    # option ids never stand in for their labels in what the reader sees
    for oid in ("line_of_contact", "constitutional_ban", "article5_like", "us_led_fund"):
        assert oid not in text
    assert "united_states" not in text and "European governments" in text
    for src in s.sources:
        assert src in text
    for a in s.assumptions:
        assert a.replace("'", "'") in text


def test_zone_and_solutions(ukraine):
    _, b, html = ukraine
    assert b.zone.exists and b.zone.size == "3,187"
    text = visible_text(html)
    assert "An agreement zone exists: 3,187 of 77,760 packages" in text
    names = [r.name for r in b.solutions]
    assert names[0] == solution("nash").name and len(names) == len(SOLUTION_KEYS)
    for r in b.solutions:
        assert r.meaning and r.meaning in text
    nash = b.solutions[0]
    # README tour / `zopa analyze`: Nash gives Ukraine 0.698 (+0.248)
    assert ("Ukraine", pytest.approx(0.698, abs=5e-4), pytest.approx(0.248, abs=5e-4)) == (
        nash.utilities[0]
    )
    assert "Ukraine leaves its part of Donetsk: demilitarised / free economic zone" in dict(
        nash.package
    ).get("Donetsk, Luhansk and Crimea", "")


def test_drafts_timeline_in_date_order_with_changes_gains_and_verdict(ukraine):
    _, b, html = ukraine
    assert [d.id for d in b.drafts] == ["us-28", "europe", "geneva", "plan-20"]
    first, europe = b.drafts[0], b.drafts[1]
    assert first.changes == () and len(first.package) == 11
    assert europe.revises == "US 28-point draft"
    assert (
        "Donetsk, Luhansk and Crimea",
        "de facto Russian, recognised by the US; Ukraine leaves Donetsk",
        "start from the line of contact, no recognition",
    ) in europe.changes
    assert len(europe.changes) == 5  # README: territory, army cap, NATO, security, assets
    rows = {name: (u, g, ok) for name, u, g, ok, _ in europe.parties}
    # README's `zopa compare ... us-28 europe`: Ukraine 0.298 -> 0.619 (+0.321), accepts after
    assert rows["Ukraine"][0] == pytest.approx(0.619, abs=5e-4)
    assert rows["Ukraine"][1] == pytest.approx(0.321, abs=5e-4)
    assert rows["Ukraine"][2] is True and rows["Russia"][2] is False
    assert europe.verdict.startswith(
        "improves the draft for Ukraine and European governments; worsens it for"
    )
    assert "; moves it closer to an agreement (" in europe.verdict
    assert "Ukraine's reservation shortfall 0.152 → 0.000" in europe.verdict
    # the verdict is compare's, word for word (one sentence, in labels, everywhere)
    assert europe.verdict == compare(load_scenario(EXAMPLES / "ukraine-2025.yaml"), "us-28",
                                     "europe").verdict  # fmt: skip
    assert not any(d.in_zone for d in b.drafts)
    text = visible_text(html)
    assert "None of the 4 drafts is acceptable" in text
    # a broken red line is said in words with labels
    assert "crosses: Donetsk, Luhansk and Crimea is not “de facto Russian" in text
    assert text.index("US 28-point draft") < text.index("20-point plan")


def test_the_page_is_self_contained(ukraine):
    _, _, html = ukraine
    page = parse(html)
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    external = [u for u in page.urls if not (u.startswith("#") or u.startswith("data:"))]
    assert external == []
    for u in re.findall(r"url\(\s*['\"]?([^)'\"]+)", html):
        assert u.startswith("#") or u.startswith("data:"), u
    assert "@import" not in html and "@font-face" not in html
    # ids are unique even though three matplotlib SVGs are inlined
    assert len(page.ids) == len(set(page.ids))


def test_a_hostile_scenario_is_escaped_everywhere(tmp_path):
    f = tmp_path / "hostile.yaml"
    f.write_text(hostile_yaml(), encoding="utf-8")
    b = build_briefing(load_any(f))
    html = render_html(b)
    page = parse(html)
    assert "script" not in page.tags and "img" not in page.tags and "b" not in page.tags
    assert "<script>" not in html and "<img" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(" in html
    text = visible_text(html)
    assert HOSTILE in text  # shown to the reader as written, never interpreted
    assert "Firm $x$" in text
    # the stylesheet is not closed early by a label (matplotlib's SVG holds one <style> each)
    assert html.count("</style>") == 1 + html.count("<svg")
    assert html.count("<svg") == 1  # the chart was drawn: no mathtext parse of the labels
    assert b.evidence[0].source == HOSTILE and b.evidence[0].statement.startswith("prefers")


def test_no_zone_shows_the_concessions(tmp_path):
    b = build_briefing(load_scenario(EXAMPLES / "no-overlap.yaml"))
    assert not b.zone.exists
    text = visible_text(render_html(b))
    assert "No agreement zone" in text
    kinds = {c.name: c for c in b.concessions}
    assert kinds["Smallest equal drop"].takes == "every reservation down by 0.100"
    assert dict(kinds["Smallest equal drop"].package) == {"Sale price": "EUR 310,000"}
    assert kinds["Fewest red lines relaxed"].takes.startswith("impossible")
    assert b.solutions == ()


def test_cli_writes_html_and_pdf_and_refuses_to_overwrite(tmp_path, capsys):
    out, pdf = tmp_path / "b.html", tmp_path / "b.pdf"
    src = str(EXAMPLES / "logrolling.yaml")
    assert main(["report", src, "-o", str(out), "--pdf", str(pdf)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "Log-rolling between a union and management" in html
    assert PdfReader(pdf).pages
    assert main(["report", src, "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["report", src, "-o", str(out), "--force"]) == 0
    assert main(["report", src, "-o", str(tmp_path / "b.txt")]) == 2
    assert not (tmp_path / "b.txt").exists()


def test_same_scenario_same_page():
    s = load_scenario(EXAMPLES / "logrolling.yaml")
    assert render_html(build_briefing(s)) == render_html(build_briefing(s))


def test_to_dict_is_the_page_without_svg(ukraine):
    _, b, _ = ukraine
    d = b.to_dict()
    assert d["zone"]["exists"] is True and d["title"] == b.title
    assert all("svg" not in c for c in d["charts"])
    assert d["drafts"][1]["label"] == "European counter-text"


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory):
    """Run README's `zopa report` commands exactly as written, in a fresh folder."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^(zopa report [^\n]+)$", readme, re.M)
    where = tmp_path_factory.mktemp("readme")
    (where / "examples").symlink_to(EXAMPLES)
    here = Path.cwd()
    os.chdir(where)
    try:
        codes = [main(shlex.split(cmd.split("#")[0])[1:]) for cmd in commands]
    finally:
        os.chdir(here)
    return commands, codes, where


def test_the_readme_report_commands_work_as_written(readme_run):
    commands, codes, where = readme_run
    assert commands[0] == "zopa report examples/ukraine-2025.yaml -o briefing.html"
    assert codes == [0] * len(commands)
    assert (where / "briefing.html").stat().st_size > 10_000


def test_the_pdf_has_pages_the_title_and_the_sections(readme_run):
    reader = PdfReader(readme_run[2] / "out" / "briefing.pdf")
    assert len(reader.pages) > 1
    text = " ".join(p.extract_text() or "" for p in reader.pages)
    assert "Ukraine peace talks" in text and "An agreement zone exists" in text
    for heading in ("The agreement zone", "Bargaining solutions", "The drafts, in order"):
        assert heading in text


@pytest.fixture(scope="module")
def ukraine_robust():
    from zopa.robust import robustness

    s = load_scenario(EXAMPLES / "ukraine-2025.yaml")
    r = robustness(s, samples=300, seed=1, sensitivity_samples=100)
    b = build_briefing(s, robustness=r)
    return s, r, b, render_html(b)


def test_robustness_section_follows_the_robust_answer(ukraine_robust):
    s, r, b, html = ukraine_robust
    rb = b.robustness
    assert rb is not None and (rb.samples, rb.kept, rb.seed) == (300, r.kept, 1)
    assert rb.zone_probability == r.zone.probability and rb.ci95 == r.zone.ci95
    assert r.robust_package is not None
    assert rb.package_probability == r.robust_package.odds.probability
    assert dict(rb.package) == dict(
        (s.issue(i).label, value_label(s.issue(i), v)) for i, v in r.robust_package.package.items()
    )
    plan20 = next(d for d in rb.drafts if d[0] == "20-point plan")
    assert plan20[1] == r.drafts["plan-20"].all.probability
    # the sensitivity in words, in robust's order (widest first)
    assert rb.sensitivity[0][0] == {
        "ukraine.reservation": "Ukraine: reservation",
        "russia.reservation": "Russia: reservation",
    }.get(r.sensitivity[0].parameter.name, rb.sensitivity[0][0])
    assert all("." not in name.split(":")[0] for name, _, _ in rb.sensitivity)
    text = visible_text(html)
    assert f"{r.samples:,} preference models were drawn (seed 1)" in text
    assert "Russia: weight of NATO membership" in text
    assert "The most robust package: acceptable to all in" in text
    assert b.chart("tornado") is not None and html.count("<svg") == 4
    assert len(parse(html).ids) == len(set(parse(html).ids))


def test_evidence_in_words_with_what_it_rules_out(ukraine_robust):
    s, r, b, html = ukraine_robust
    assert len(b.evidence) == len(s.evidence) == len(r.evidence)
    first = b.evidence[0]
    assert first.party == "Russia"
    assert first.statement == "prefers “US 28-point draft” over “European counter-text”"
    assert first.quote == "definitely do not improve the document"
    for row, (_, _, holds) in zip(b.evidence, r.evidence, strict=True):
        assert row.rules_out == pytest.approx(1 - holds)
    rejects = next(e for e in b.evidence if e.statement.startswith("rejects"))
    assert rejects.rules_out is not None and rejects.rules_out > 0
    assert "Kremlin adviser Yuri Ushakov" in visible_text(html)
    noted = [e for e in s.evidence if e.note and not e.quote]
    assert noted, "the example has an item with a note and no quote"
    for e in noted:  # a note is the analyst's words: never in quotation marks
        row = next(r for r in b.evidence if r.source == e.source and r.note == e.note)
        assert row.quote is None
        assert f"“{e.note}”" not in html and f"Note: {e.note}" in visible_text(html)


def test_without_uncertainty_the_page_says_the_figures_are_certain():
    b = build_briefing(load_scenario(EXAMPLES / "logrolling.yaml"), charts=False)
    assert b.robustness is None and b.evidence == ()
    assert "states no uncertainty and no evidence" in b.robustness_note


def test_a_hostile_scenario_plots_from_the_cli_too(tmp_path):
    """`zopa analyze --plot` draws labels such as `$\\nosuchmacro$` as text (no mathtext)."""
    f = tmp_path / "hostile.yaml"
    f.write_text(hostile_yaml(), encoding="utf-8")
    out = tmp_path / "p.svg"
    assert main(["analyze", str(f), "--plot", str(out)]) == 0
    assert "<svg" in out.read_text(encoding="utf-8")
