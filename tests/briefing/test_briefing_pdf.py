"""The PDF briefing by what is drawn: each frontier chart is rasterised and looked at."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import EXAMPLES
from zopa.analysis import analyze
from zopa.io import load_scenario
from zopa.report.briefing import build_briefing, html_to_pdf, render_html
from zopa.report.briefing.charts import frontier_caption

pdfium = pytest.importorskip("pypdfium2")


def _pages(pdf: bytes) -> list[tuple[str, np.ndarray]]:
    doc = pdfium.PdfDocument(pdf)
    out = []
    for k in range(len(doc)):
        page = doc[k]
        text = page.get_textpage().get_text_range()
        out.append((text, np.asarray(page.render(scale=1.0).to_pil().convert("RGB"))))
    return out


def _ink(img: np.ndarray) -> tuple[float, float]:
    """Share of the page that is not white, and share in the zone's green."""
    r, g, b = (img[..., i].astype(int) for i in range(3))
    inked = (r + g + b) < 3 * 235
    green = (g > r + 40) & (g > b + 20)
    return float(inked.mean()), float(green.mean())


@pytest.fixture(scope="module")
def ukraine_pdf_bytes():
    s = load_scenario(EXAMPLES / "ukraine-2025.yaml")
    return s, html_to_pdf(render_html(build_briefing(s)))


@pytest.fixture(scope="module")
def ukraine_pdf(ukraine_pdf_bytes):
    s, pdf = ukraine_pdf_bytes
    return s, _pages(pdf)


def test_every_frontier_chart_is_drawn_full_width(ukraine_pdf):
    _, pages = ukraine_pdf
    titles = ["Ukraine and Russia", "Ukraine and European governments", "Russia and European"]
    for title in titles:
        text, img = next((t, i) for t, i in pages if f"{title}" in t and "Each dot" in t)
        inked, green = _ink(img)
        assert inked > 0.04, title  # a chart, not a column of caption words (~1%)
        assert green > 0.005, title  # the agreement zone is drawn
        cols = np.nonzero(((img.sum(axis=2)) < 3 * 235).any(axis=0))[0]
        assert cols.max() - cols.min() > 0.6 * img.shape[1], title  # spans the text width
    # the captions are paragraphs, not a one-word-wide column
    for text, _ in pages:
        if "Each dot is a package" in text:
            line = next(x for x in text.splitlines() if "Each dot" in x)
            assert len(line.split()) >= 6


def test_the_empty_zone_chart_says_only_what_it_draws():
    s = load_scenario(EXAMPLES / "no-overlap.yaml")
    a = analyze(s)
    caption = frontier_caption(s, a, "buyer", "seller")
    assert "Green" not in caption and "bargaining solutions" not in caption
    assert "purple X" in caption and "zone is empty" in caption
    pages = _pages(html_to_pdf(render_html(build_briefing(s, analysis=a))))
    _, img = next((t, i) for t, i in pages if "The frontier" in t)
    inked, green = _ink(img)
    assert inked > 0.05 and green < 0.001  # drawn, and no zone painted green
    ukraine = load_scenario(EXAMPLES / "ukraine-2025.yaml")
    full = frontier_caption(ukraine, analyze(ukraine), "ukraine", "russia")
    assert "Green: the agreement zone" in full and "bargaining solutions" in full


def test_sections_are_numbered_from_one_list(ukraine_pdf):
    from zopa.report.briefing.model import SECTIONS

    s, pages = ukraine_pdf
    text = " ".join(t for t, _ in pages)
    for sec in SECTIONS:
        assert f"{sec.number}. {sec.title}" in text
    html = render_html(build_briefing(s, charts=False))
    nav = html[html.index("<nav") : html.index("</nav>")]
    assert [f'href="#{sec.key}"' in nav for sec in SECTIONS] == [True] * len(SECTIONS)


def test_chart_text_is_readable_on_the_pdf_page(ukraine_pdf_bytes):
    """The charts' text was about 5 px high once (a figure drawn large and shrunk to the page):
    on every frontier chart page each capital and digit is at least 4 pt high (a 6 pt font),
    measured on the PDF's own glyph boxes."""
    doc = pdfium.PdfDocument(ukraine_pdf_bytes[1])
    checked = 0
    for k in range(len(doc)):
        tp = doc[k].get_textpage()
        if "Each dot is a package" not in tp.get_text_range():
            continue
        for i in range(tp.count_chars()):
            ch = tp.get_text_range(index=i, count=1)
            if ch.isupper() or ch.isdigit():
                _, bottom, _, top = tp.get_charbox(i)
                assert top - bottom >= 4.0, (k, ch, top - bottom)
                checked += 1
    assert checked > 150  # the three charts' tick labels, legends and captions
