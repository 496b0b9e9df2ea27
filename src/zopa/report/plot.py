"""Utility-space plot of two parties: packages, zone, frontier, solutions and drafts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from zopa.analysis.pareto import frontier_mask
from zopa.analysis.result import Analysis
from zopa.errors import AnalysisError
from zopa.io.output import save_figure
from zopa.model.compiled import compile_scenario
from zopa.model.scenario import Scenario

__all__ = ["plot_utility_space"]

MAX_POINTS = 200_000
_MARKERS = {
    "nash": ("*", "Nash"),
    "nash_weighted": ("P", "power-weighted Nash"),
    "kalai_smorodinsky": ("D", "Kalai-Smorodinsky"),
    "egalitarian": ("^", "egalitarian"),
    "utilitarian": ("s", "utilitarian"),
}


def plot_utility_space(
    scenario: Scenario,
    analysis: Analysis,
    out: str | Path,
    parties: tuple[str, str] | None = None,
) -> Path:
    """Draw the utility space of two parties to ``out`` (PNG, SVG or PDF by suffix)."""
    cs = compile_scenario(scenario)
    ids = list(cs.party_ids)
    a, b = parties or _default_parties(analysis, ids)
    for p in (a, b):
        if p not in ids:
            raise AnalysisError(f"unknown party `{p}` for the plot; parties: {', '.join(ids)}")
    ia, ib = ids.index(a), ids.index(b)
    rng = np.random.default_rng(0)
    sampled = cs.outcomes > MAX_POINTS
    numbers = (
        rng.choice(cs.outcomes, MAX_POINTS, replace=False) if sampled else np.arange(cs.outcomes)
    ).astype(np.int64)
    idx = cs.decode(numbers)
    u = cs.utilities(idx)
    gate = cs.gating_index
    feas = cs.feasible(idx)
    zone = feas & cs.red_line_ok(idx)[:, gate].all(axis=1)
    zone &= (u[:, gate] >= cs.reservation[gate]).all(axis=1)

    fig = Figure(figsize=(8, 7), dpi=110)  # object-oriented: no pyplot, no backend switch
    ax = fig.subplots()
    ax.scatter(u[~feas, ia], u[~feas, ib], s=3, c="#dddddd", label="infeasible", rasterized=True)
    ax.scatter(
        u[feas & ~zone, ia],
        u[feas & ~zone, ib],
        s=4,
        c="#9aa5b1",
        label="outside the zone",
        rasterized=True,
    )
    if zone.any():
        ax.scatter(
            u[zone, ia], u[zone, ib], s=8, c="#2e8b57", label="agreement zone", rasterized=True
        )
        pts = u[zone][:, [ia, ib]]
        f = pts[frontier_mask(pts)]
        f = f[np.argsort(f[:, 0])]
        ax.plot(
            f[:, 0], f[:, 1], "-", c="#1b5e20", lw=1.5, label="frontier of the zone (these two)"
        )
    ax.axvline(cs.reservation[ia], c="#c62828", ls="--", lw=1)
    ax.axhline(cs.reservation[ib], c="#c62828", ls="--", lw=1, label="reservation (BATNA)")
    # coinciding solutions stay visible: drawn largest first, each smaller on top
    for k, (name, sol) in enumerate(analysis.solutions.items()):
        if sol is not None:
            m, label = _MARKERS[name]
            ax.scatter(
                sol.utilities[a],
                sol.utilities[b],
                marker=m,
                s=420 - 75 * k,
                edgecolor="k",
                zorder=5 + k,
                label=label,
            )
    _drafts(ax, scenario, cs, ia, ib)
    ax.set_xlabel(f"utility of {a}")
    ax.set_ylabel(f"utility of {b}")
    title = scenario.title + (
        f"\n(a uniform sample of {MAX_POINTS:,} of {cs.outcomes:,} packages)" if sampled else ""
    )
    ax.set_title(title, fontsize=10)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    fig.tight_layout()
    return save_figure(fig, out)


def _default_parties(analysis: Analysis, ids: list[str]) -> tuple[str, str]:
    gating = list(analysis.parties)
    rest = [p for p in ids if p not in gating]
    both = gating + rest
    if len(both) < 2:
        raise AnalysisError("the plot needs two parties with preferences")
    return both[0], both[1]


def _drafts(ax: Axes, scenario: Scenario, cs: object, ia: int, ib: int) -> None:
    from zopa.model.compiled import CompiledScenario

    assert isinstance(cs, CompiledScenario)
    where: dict[str, tuple[float, float]] = {}
    for d in scenario.drafts:
        u = cs.utility(scenario.indices(d.package))
        where[d.id] = (float(u[ia]), float(u[ib]))
    for d in scenario.drafts:
        x, y = where[d.id]
        ax.scatter(x, y, marker="o", s=70, c="#ff8f00", edgecolor="k", zorder=6)
        ax.annotate(d.id, (x, y), textcoords="offset points", xytext=(6, 6), fontsize=8, zorder=7)
        if d.revises and d.revises in where:
            x0, y0 = where[d.revises]
            ax.annotate(
                "",
                (x, y),
                (x0, y0),
                arrowprops={"arrowstyle": "->", "color": "#ff8f00", "lw": 1.5},
                zorder=6,
            )
    if scenario.drafts:
        ax.scatter(
            [], [], marker="o", s=70, c="#ff8f00", edgecolor="k", label="drafts (arrows: revisions)"
        )
