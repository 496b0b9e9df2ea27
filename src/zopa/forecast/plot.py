"""Trajectories of the dynamic models: median, mean and actor positions per round per issue."""

from __future__ import annotations

import math
from pathlib import Path

from zopa.forecast._types import Forecast

__all__ = ["MAX_PANELS", "plot_traces"]

MAX_PANELS = 12
"""At most this many issues are drawn per model; the figure notes how many were left out."""


def plot_traces(forecast: Forecast, path: str | Path) -> Path:
    """Draw small multiples (one panel per model and issue) to ``path`` (PNG/SVG/PDF)."""
    from matplotlib.figure import Figure

    from zopa.io.output import save_figure

    panels = [(m, i, t) for m, r in forecast.runs.items() for i, t in r.trace.items()]
    shown = panels[:MAX_PANELS]
    cols = min(3, max(1, len(shown)))
    rows = max(1, math.ceil(len(shown) / cols))
    fig = Figure(figsize=(4.2 * cols, 3.0 * rows))  # object-oriented: no pyplot, no backend
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, (model, issue, tr) in zip(axes.flat, shown, strict=False):
        rounds = range(len(tr.median))
        for pos in tr.positions.values():
            ax.plot(rounds, pos, color="0.75", lw=0.8)
        ax.plot(rounds, tr.median, color="C0", lw=2, label="median")
        ax.plot(rounds, tr.mean, color="C1", lw=2, ls="--", label="mean")
        ax.set_title(f"{model}: {issue}", fontsize=9)
        ax.set_xlabel("round")
    for ax in list(axes.flat)[len(shown) :]:
        ax.axis("off")
    if shown:
        axes.flat[0].legend(fontsize=7)
    else:
        axes.flat[0].text(
            0.5, 0.5, "no dynamic model run (use --model eum or exchange)", ha="center", va="center"
        )
    if len(panels) > len(shown):
        fig.suptitle(
            f"first {len(shown)} of {len(panels)} model-issue trajectories shown", fontsize=9
        )
    fig.tight_layout()
    return save_figure(fig, path, dpi=100)
