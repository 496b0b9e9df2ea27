"""Charts of the briefing as inline SVG, drawn with the plotting functions of :mod:`zopa.report`.

Figures come from matplotlib's object API (no pyplot, no backend switching) and are saved as
SVG text. Every chart gets its own ``svg.hashsalt`` so the element ids of two charts inlined in
one page never collide; text stays text (``svg.fonttype: none``) so it prints sharply and can
be searched. The dense package clouds are rasterised by the plot itself (a ``data:`` image inside
the SVG), which keeps the file small and self-contained.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

import matplotlib as mpl
from matplotlib.figure import Figure

from zopa.analysis.result import Analysis
from zopa.model.scenario import Scenario
from zopa.report.briefing.model import Chart, section_number
from zopa.robust import RobustAnalysis
from zopa.vocab import party_label

if TYPE_CHECKING:
    from zopa.robust.track import Track

__all__ = [
    "BRIEFING_SIZE",
    "frontier_caption",
    "frontier_charts",
    "svg_text",
    "tornado_chart",
    "track_chart",
]

MAX_PAIR_CHARTS = 3
_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(\bid="|#)([A-Za-z_][\w.:-]*)')


def svg_text(fig: Figure, key: str) -> str:
    """The figure as an ``<svg>`` element to inline in HTML (no XML prologue or doctype)."""
    from zopa.report.figures import svg_text as figure_svg

    with mpl.rc_context({"svg.hashsalt": f"zopa-{key}", "svg.fonttype": "none"}):
        text = figure_svg(fig)
    return _unique_ids(_PROLOGUE.sub("", text, count=1).strip(), key)


def _unique_ids(svg: str, key: str) -> str:
    """Prefix every element id (matplotlib writes ``figure_1``, ``axes_1``, ... in every
    figure) and every reference to it with ``key``, so charts can share one HTML page."""
    ids = set(_ID.findall(svg))

    def sub(m: re.Match[str]) -> str:
        return f"{m.group(1)}{key}-{m.group(2)}" if m.group(2) in ids else m.group(0)

    return _REF.sub(sub, svg)


BRIEFING_SIZE = (8.0, 5.6)
"""Inches of a frontier chart in the briefing: the page shows it about this wide, so its
7-10 pt text reads at 7-10 pt on screen and in the PDF."""


def frontier_caption(scenario: Scenario, analysis: Analysis, a: str, b: str) -> str:
    """What the chart of parties ``a`` and ``b`` shows, naming only what is drawn."""
    la, lb = party_label(scenario, a), party_label(scenario, b)
    parts = [f"Each dot is a package, placed by its utility to {la} (across) and {lb} (up)."]
    if analysis.zone.exists:
        parts.append(
            "Green: the agreement zone; the dark green steps: its frontier for these two "
            "(the zone's packages that no other zone package beats for both)."
        )
    else:
        parts.append("Grey: no package is in an agreement zone (the zone is empty).")
    parts.append("Dashed red lines: the reservations.")
    if any(pt is not None for pt in analysis.solutions.values()):
        parts.append(
            f"Large markers: the bargaining solutions (section {section_number('solutions')})."
        )
    c = analysis.concessions
    if not analysis.zone.exists and c is not None and (c.uniform or c.min_sum or c.red_lines):
        n = section_number("concessions")
        parts.append(f"The purple X: the package a concession would open (section {n}).")
    if scenario.drafts:
        revised = any(d.revises for d in scenario.drafts)
        parts.append(
            "Orange dots: the drafts" + (", with arrows from a text to its revision." if revised
                                         else ".")
        )  # fmt: skip
    return " ".join(parts)


def frontier_charts(scenario: Scenario, analysis: Analysis) -> tuple[Chart, ...]:
    """The utility space of each pair of gating parties (at most three pairs)."""
    from zopa.report.plot import utility_space_figure

    gating = [p.id for p in scenario.gating if p.preferences is not None]
    if len(gating) < 2:
        gating = [p.id for p in scenario.with_preferences]
    out = []
    for k, (a, b) in enumerate(
        itertools.islice(itertools.combinations(gating, 2), MAX_PAIR_CHARTS)
    ):
        with mpl.rc_context({"text.parse_math": False}):  # labels are text, never mathtext
            fig = utility_space_figure(scenario, analysis, (a, b), size=BRIEFING_SIZE)
        la, lb = party_label(scenario, a), party_label(scenario, b)
        out.append(
            Chart(
                key=f"frontier-{k}",
                title=f"{la} and {lb}",
                caption=frontier_caption(scenario, analysis, a, b),
                svg=svg_text(fig, f"frontier-{k}"),
            )
        )
    return tuple(out)


def tornado_chart(r: RobustAnalysis, scenario: Scenario | None = None) -> Chart:
    """The sensitivity of the zone probability (:func:`zopa.report.robust.tornado_figure`)."""
    from zopa.report.tornado import tornado_figure

    with mpl.rc_context({"text.parse_math": False}):
        fig = tornado_figure(r, rows=12, scenario=scenario)
    return Chart(
        key="tornado",
        title="What moves the odds most",
        caption=(
            "Each bar is one uncertain parameter held at the low end (blue) or the high end "
            "(orange) of its range while the others are drawn as usual; the black line is the "
            "probability that a zone exists with everything drawn; “n/a” marks an end at which "
            "the evidence keeps no sample. Widest swing on top: those are the assumptions worth "
            "checking first."
        ),
        svg=svg_text(fig, "tornado"),
    )


def track_chart(t: Track, scenario: Scenario) -> Chart:
    """The odds over time (:func:`zopa.report.track.track_figure`), each report marked."""
    from zopa.report.track import track_figure

    with mpl.rc_context({"text.parse_math": False}):
        fig = track_figure(t, scenario=scenario)
    return Chart(
        key="track",
        title="The odds over time",
        caption=(
            "The black steps: the probability that an agreement zone exists given the evidence "
            "accepted by each date (grey band: its 95% interval); the coloured steps: the "
            "probability that every party that must accept accepts each draft; dotted red "
            "lines: the reports on the timeline. The same sampled models at every date, so the "
            "lines move only with the evidence."
        ),
        svg=svg_text(fig, "track"),
    )
