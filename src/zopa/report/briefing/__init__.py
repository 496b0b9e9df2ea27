"""The analyst's briefing: one self-contained HTML page (and PDF) a mediator reads before a round.

::

    from zopa.report.briefing import build_briefing, write_html, write_pdf
    b = build_briefing(zopa.load_scenario("examples/ukraine-2025.yaml"))
    write_html(b, "briefing.html")
    write_pdf(b, "briefing.pdf")   # needs the ``pdf`` extra (WeasyPrint)

:func:`build_briefing` is pure (the data of the page); :func:`render_html` lays it out.
"""

from __future__ import annotations

from zopa.report.briefing.build import build_briefing
from zopa.report.briefing.model import (
    Briefing,
    Chart,
    ConcessionRow,
    DraftStep,
    EvidenceRow,
    IssueRow,
    PartyRow,
    Robustness,
    SolutionRow,
    ZoneSummary,
)
from zopa.report.briefing.render import html_to_pdf, render_html, write_html, write_pdf

__all__ = [
    "Briefing",
    "Chart",
    "ConcessionRow",
    "DraftStep",
    "EvidenceRow",
    "IssueRow",
    "PartyRow",
    "Robustness",
    "SolutionRow",
    "ZoneSummary",
    "build_briefing",
    "html_to_pdf",
    "render_html",
    "write_html",
    "write_pdf",
]
