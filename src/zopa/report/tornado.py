"""The tornado chart of a robustness run: P(zone) at each end of every uncertain parameter.

Read it top down: the widest swing first. Each parameter is named in words
(:func:`zopa.vocab.parameter_in_words`), wrapped over lines rather than cut; an end whose
samples were all ruled out by the evidence is written "n/a" on the chart instead of being
dropped or drawn as no effect; the black line is the probability with everything drawn, and is
labelled; the legend sits below the axes, clear of the bars.
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

from zopa.vocab import parameter_in_words, percent

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure

    from zopa.model.scenario import Scenario
    from zopa.robust.analysis import RobustAnalysis, Sensitivity

__all__ = ["LABEL_WIDTH", "tornado_figure"]

LABEL_WIDTH = 40
"""Characters per line of a parameter's name (wrapped at word boundaries, never cut)."""

_LOW, _HIGH = "#4C72B0", "#DD8452"


def tornado_figure(
    r: RobustAnalysis, *, rows: int = 15, scenario: Scenario | None = None
) -> Figure:
    """The tornado chart of ``r.sensitivity`` (widest first, at most ``rows`` parameters)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    data = list(r.sensitivity[:rows])[::-1]  # bottom to top: the widest ends on top
    base = r.zone.probability
    names = [
        parameter_in_words(scenario, s.parameter) if scenario is not None else s.parameter.name
        for s in data
    ]
    wrapped = [
        textwrap.fill(n, LABEL_WIDTH, break_long_words=False) + _missing(s)
        for n, s in zip(names, data, strict=True)
    ]
    lines = [w.count("\n") + 1 for w in wrapped]
    pitch = [max(1.3, 0.45 * n + 0.75) for n in lines]  # rows as tall as their wrapped names
    height = 0.36 * sum(pitch) + 1.9
    fig = Figure(figsize=(9.0, max(3.0, height)), layout="constrained")
    ax = fig.add_subplot()
    ys: list[float] = []
    y = 0.0
    for h in pitch:
        ys.append(y + h / 2)
        y += h
    ref = base if base is not None else 0.0
    ends = [p for s in data for p in (s.low.probability, s.high.probability) if p is not None]
    if base is not None:
        ends.append(base)
    left = max(0.0, math.floor((min(ends, default=0.0) - 0.05) * 10) / 10)
    for yy, s in zip(ys, data, strict=True):
        for p, colour in ((s.low.probability, _LOW), (s.high.probability, _HIGH)):
            if p is not None:
                ax.barh(yy, p - ref, left=ref, color=colour, height=0.9, alpha=0.9)
    ax.set_yticks(ys, wrapped, fontsize=8)
    ax.set_ylim(0, max(y, 1.0))
    ax.set_xlim(left, 1)
    ax.set_xlabel("probability that an agreement zone exists")
    ax.set_title(
        f"Sensitivity of the zone probability ({r.sensitivity_samples:,} samples per end)",
        fontsize=10,
    )
    handles: list[Artist] = [
        Patch(color=_LOW, label="parameter at the low end of its range"),
        Patch(color=_HIGH, label="parameter at the high end of its range"),
    ]
    if base is not None:
        handles.append(
            ax.axvline(
                base, color="black", linewidth=1.2, label=f"everything drawn: {percent(base)}"
            )
        )
    if data:
        fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    else:
        ax.text(
            0.5, 0.5, "no uncertain parameters", ha="center", va="center", transform=ax.transAxes
        )
    return fig


def _missing(s: Sensitivity) -> str:
    """A line under a parameter's name for an end the evidence leaves without a sample."""
    ends = [e for e, o in (("low", s.low), ("high", s.high)) if o.probability is None]
    if not ends:
        return ""
    return f"\n(n/a at the {' and '.join(ends)} end: no sample kept)"
