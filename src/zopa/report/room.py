"""Charts of the mediation room, drawn like every other zopa figure (:mod:`zopa.report.figures`)
and inlined as SVG by the briefing's :func:`zopa.report.briefing.charts.svg_text`.

- :func:`draft_utility_figure`: a delegation's own utility across the versions of each draft,
  with its walk-away line (hollow markers where a version breaks one of its red lines).
- :func:`drafts_timeline_figure`: the mediator's drafts timeline: one row per draft, a dot per
  version, an arrow from a text to each text that revises it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from zopa.records import frozen
from zopa.report.figures import new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["DraftLine", "DraftRow", "draft_utility_figure", "drafts_timeline_figure"]

_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")


@frozen
class DraftLine:
    """One draft's versions for the delegation: (version, utility 0..1, breaks a red line)."""

    label: str
    points: tuple[tuple[int, float, bool], ...]


@frozen
class DraftRow:
    """One draft of the timeline: its label, the position it was created at, the positions of
    its versions, and the draft it revises (an index into the rows, or None)."""

    label: str
    versions: tuple[int, ...]
    revises: int | None


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def draft_utility_figure(lines: Sequence[DraftLine], walk_away: float) -> Figure:
    """Utility (0..100) per version of each draft, with the walk-away as a dashed red line."""
    fig = new_figure((6.4, 3.2))
    ax = fig.add_subplot()
    top = 1
    for k, line in enumerate(lines):
        xs = [v for v, _, _ in line.points]
        ys = [100 * u for _, u, _ in line.points]
        top = max([top, *xs])
        colour = _COLOURS[k % len(_COLOURS)]
        ax.plot(xs, ys, "-", color=colour, label=_short(line.label), linewidth=1.8)
        for x, y, broken in zip(xs, ys, (b for _, _, b in line.points), strict=True):
            ax.plot(
                [x],
                [y],
                "o",
                color=colour,
                markersize=6,
                markerfacecolor="white" if broken else colour,
            )
    ax.axhline(100 * walk_away, color="#b00020", linestyle="--", linewidth=1.2)
    ax.text(
        top + 0.1,
        100 * walk_away,
        f"your walk-away {100 * walk_away:.1f}",
        color="#b00020",
        va="bottom",
        ha="right",
        fontsize=8,
    )
    ax.set_ylim(0, 100)
    ax.set_xlim(0.7, top + 0.3)
    ax.set_xticks(range(1, top + 1))
    ax.set_xlabel("version of the text")
    ax.set_ylabel("your utility (of 100)")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    if lines:
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def drafts_timeline_figure(rows: Sequence[DraftRow]) -> Figure:
    """One row per draft (first circulated on top), a dot per version along the room's
    sequence of changes, an arrow from each text to the text that revises it."""
    fig = new_figure((6.4, 0.6 + 0.45 * max(1, len(rows))))
    ax = fig.add_subplot()
    n = len(rows)
    for k, row in enumerate(rows):
        y = n - 1 - k
        colour = _COLOURS[k % len(_COLOURS)]
        ax.plot(row.versions, [y] * len(row.versions), "-o", color=colour, markersize=5)
        for j, x in enumerate(row.versions):
            ax.annotate(
                f"v{j + 1}",
                (x, y),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=7,
                color="#333333",
            )
        if row.revises is not None:
            parent = rows[row.revises]
            py = n - 1 - row.revises
            px = max(
                (v for v in parent.versions if v <= row.versions[0]), default=parent.versions[0]
            )
            ax.annotate(
                "",
                xy=(row.versions[0], y),
                xytext=(px, py),
                arrowprops={
                    "arrowstyle": "->",
                    "color": "#555555",
                    "linewidth": 1,
                    "connectionstyle": "arc3,rad=-0.35",
                },
            )
    ax.set_yticks(range(n))
    ax.set_yticklabels([_short(r.label, 28) for r in reversed(rows)], fontsize=8)
    ax.set_xlabel("changes in the room, in order")
    ax.set_ylim(-0.6, n - 0.4)
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", color="#eeeeee", linewidth=0.6)
    fig.tight_layout()
    return fig
