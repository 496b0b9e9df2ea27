"""The room's charts as inline SVG that needs no script and no inline style.

The figures are :mod:`zopa.report.room`'s, turned into SVG by the briefing's
:func:`zopa.report.briefing.charts.svg_text` (unique element ids per chart). The room's
Content-Security-Policy allows no inline ``style`` (``style-src 'self'``), so each
``style="fill: #fff; stroke-width: 0.8"`` matplotlib writes becomes the equivalent SVG
presentation attributes, and its ``<style>`` element is dropped; the chart reads the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from zopa.model.scenario import Scenario
from zopa.records import frozen

__all__ = ["Chart", "delegation_charts", "mediator_charts", "presentational"]

_STYLE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)
_PROPS = {
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "opacity",
    "font-size",
    "font-family",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "clip-path",
    "visibility",
}


@frozen
class Chart:
    key: str
    title: str
    caption: str
    svg: str


def _attrs(style: str) -> str:
    out = []
    for part in style.split(";"):
        name, _, value = part.partition(":")
        name, value = name.strip(), value.strip()
        if name == "font":  # "font: 10px 'DejaVu Sans'" -> font-size and font-family
            size, _, family = value.partition(" ")
            out.append(f'font-size="{size}"')
            if family:
                out.append(f'font-family="{family.replace(chr(34), chr(39))}"')
        elif name in _PROPS:
            out.append(f'{name}="{value.replace(chr(34), chr(39))}"')
    return (" " + " ".join(out)) if out else ""


def presentational(svg: str) -> str:
    """Inline ``style`` attributes as presentation attributes; ``<style>`` elements removed;
    the chart scales to its container (``width: 100%`` comes from the page's stylesheet)."""
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE.sub(lambda m: _attrs(m.group(1)), svg)
    return svg


def _inline(fig: Any, key: str) -> str:
    from zopa.report.briefing.charts import svg_text

    return presentational(svg_text(fig, key))


def delegation_charts(sc: Scenario, standings: Sequence[Mapping[str, Any]]) -> list[Chart]:
    """The delegation's own utility across the versions of each draft, with its walk-away."""
    from zopa.report.room import DraftLine, draft_utility_figure

    lines = []
    walk = None
    for s in standings:
        pts = tuple((fb.version, fb.utility, bool(fb.red_lines_broken)) for fb in s["versions"])
        if pts:
            walk = s["versions"][-1].reservation
            lines.append(DraftLine(s["draft"].label, pts))
    if not lines or walk is None:
        return []
    fig = draft_utility_figure(lines, walk)
    return [
        Chart(
            "own-utility",
            "Where each draft leaves you, version by version",
            "Your utility (of 100) for every version of each draft; the dashed red line is your "
            "walk-away. Hollow markers: that version breaks one of your red lines.",
            _inline(fig, "own-utility"),
        )
    ]


def mediator_charts(drafts: Sequence[Any]) -> list[Chart]:
    """The drafts timeline (``drafts``: :class:`~zopa.server.disclose.DraftOut`, versions with
    their times): which text revises which, and when each moved."""
    from zopa.report.room import DraftRow, drafts_timeline_figure

    if not drafts:
        return []
    events = sorted((v.at, k, v.version) for k, d in enumerate(drafts) for v in d.versions)
    pos: dict[int, list[int]] = {}
    for n, (_, k, _) in enumerate(events):
        pos.setdefault(k, []).append(n + 1)
    index = {d.id: k for k, d in enumerate(drafts)}
    rows = [
        DraftRow(d.label, tuple(pos.get(k, [1])), index.get(d.revises or ""))
        for k, d in enumerate(drafts)
    ]
    fig = drafts_timeline_figure(rows)
    return [
        Chart(
            "drafts-timeline",
            "The single negotiating text, draft by draft",
            "One row per draft, a dot per version in the order the room changed; an arrow runs "
            "from a text to the text that revises it.",
            _inline(fig, "drafts-timeline"),
        )
    ]
