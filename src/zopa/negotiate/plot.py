"""Plots: a session's concession paths in utility space, and a tournament's ranking."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from zopa.analysis.pareto import frontier_mask
from zopa.errors import ProtocolError
from zopa.io.output import save_figure
from zopa.negotiate.session import Action, SessionResult

if TYPE_CHECKING:
    from zopa.negotiate.tournament import Ranking

__all__ = ["plot_ranking", "plot_session"]


def _figure(width: float, height: float) -> Any:
    """A matplotlib Figure (object-oriented: no pyplot state, no backend switch)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def plot_session(result: SessionResult, path: str | Path) -> None:
    """Each party's offers as a path over the outcome space and its Pareto frontier.

    Axes are the first two negotiating parties' utilities (more parties: their offers are
    still drawn, projected on those two).
    """
    space = result.space
    if space is None or len(result.parties) < 2:
        raise ProtocolError("a concession plot needs a session result with two or more parties")
    ux, uy = space.profiles[0].u, space.profiles[1].u
    pts = np.column_stack([ux, uy])
    front = pts[frontier_mask(pts)]
    front = front[np.argsort(front[:, 0])]
    fig = _figure(6.4, 5.2)
    ax = fig.subplots()
    ax.scatter(ux, uy, s=4, c="#cccccc", label="packages", rasterized=True)
    ax.plot(front[:, 0], front[:, 1], "-", c="#555555", lw=1.2, label="Pareto frontier")
    entries = [e for e in result.trace if e.action is Action.OFFER and e.row is not None]
    for name in dict.fromkeys(e.party for e in entries):
        rows = [e.row for e in entries if e.party == name and e.row is not None]
        ax.plot(ux[rows], uy[rows], "o-", ms=3, lw=1, alpha=0.8, label=f"{name} offers")
    if result.row is not None:
        ax.plot(
            [ux[result.row]], [uy[result.row]], "*", ms=16, c="gold", mec="k", label="agreement"
        )
    ax.axvline(space.profiles[0].reservation, ls=":", c="#aa3333", lw=1)  # before pressure
    ax.axhline(space.profiles[1].reservation, ls=":", c="#aa3333", lw=1)
    ax.set_xlabel(f"utility of {result.parties[0]}")
    ax.set_ylabel(f"utility of {result.parties[1]}")
    ax.set_title(f"{space.scenario.title[:60]}\n{result.status.value}", fontsize=10)
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    save_figure(fig, path, dpi=110, metadata={"Software": None})


def plot_ranking(ranking: Sequence[Ranking], path: str | Path) -> None:
    """Mean utility per strategy (bars) with its agreement rate written beside each bar."""
    names = [r.strategy for r in ranking][::-1]
    vals = [r.mean_utility for r in ranking][::-1]
    fig = _figure(6.4, 0.45 * len(names) + 1.4)
    ax = fig.subplots()
    bars = ax.barh(names, vals, color="#4477aa")
    for bar, r in zip(bars, list(ranking)[::-1], strict=True):
        ax.text(
            bar.get_width() + 0.01,
            bar.get_y() + bar.get_height() / 2,
            f"{r.agreement_rate:.0%} agree",
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, 1.15)
    ax.set_xlabel("mean utility")
    ax.set_title("Tournament ranking", fontsize=10)
    fig.tight_layout()
    save_figure(fig, path, dpi=110, metadata={"Software": None})
