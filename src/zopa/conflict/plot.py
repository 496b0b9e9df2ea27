"""State graph drawing (matplotlib, Agg): states on a circle, unilateral moves as arrows
coloured by decision maker, equilibria highlighted."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from zopa.conflict._moves import move_tables
from zopa.conflict.stability import CONCEPTS, StabilityResult
from zopa.errors import AnalysisError

__all__ = ["MAX_PLOT_STATES", "plot_state_graph"]

MAX_PLOT_STATES = 200


def plot_state_graph(result: StabilityResult, path: str | Path, concept: str = "nash") -> Path:
    """Draw the state graph to ``path`` (PNG/SVG/PDF by suffix), marking ``concept``'s
    equilibria; refuses graphs over :data:`MAX_PLOT_STATES` states."""
    import matplotlib
    from matplotlib.figure import Figure

    from zopa.io.output import save_figure

    conflict = result.conflict
    n = conflict.n_states
    if n > MAX_PLOT_STATES:
        raise AnalysisError(
            f"the state graph has {n} states; plots are drawn up to "
            f"{MAX_PLOT_STATES} (use --json for the full result)"
        )
    if concept not in CONCEPTS:
        raise AnalysisError(f"unknown concept {concept!r}; use one of {', '.join(CONCEPTS)}")
    angle = 2 * np.pi * np.arange(n) / n
    xy = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    fig = Figure(figsize=(7, 7))  # object-oriented: no pyplot, no backend switch
    ax = fig.subplots()
    colours = matplotlib.colormaps["tab10"]
    for i, table in enumerate(move_tables(conflict)):
        dst = table.rows(0, n)
        for k, t in zip(*np.nonzero(dst < n), strict=True):
            a, b = xy[k], xy[dst[k, t]]
            ax.annotate(
                "",
                xy=b,
                xytext=a,
                arrowprops={"arrowstyle": "->", "color": colours(i % 10), "alpha": 0.6, "lw": 0.8},
            )
        ax.plot([], [], color=colours(i % 10), label=conflict.dm_ids[i])
    eq = np.zeros(n, dtype=bool)
    eq[[k - 1 for k in result.equilibria(concept)]] = True
    ax.scatter(xy[~eq, 0], xy[~eq, 1], s=300, c="white", edgecolors="grey", zorder=3)
    ax.scatter(
        xy[eq, 0],
        xy[eq, 1],
        s=420,
        c="gold",
        edgecolors="black",
        zorder=3,
        label=f"{concept} equilibrium",
    )
    if n <= 64:
        for k in range(n):
            ax.text(
                xy[k, 0],
                xy[k, 1],
                f"{k + 1}\n{conflict.pattern(k)}",
                ha="center",
                va="center",
                fontsize=7,
                zorder=4,
            )
    ax.set_title(conflict.title or "state graph")
    ax.set_axis_off()
    ax.legend(loc="upper right", fontsize=8)
    return save_figure(fig, path, dpi=120, bbox_inches="tight")
