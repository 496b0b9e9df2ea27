"""Utility-space plot of two parties: packages, zone, frontier, solutions, drafts, concession.

Built with matplotlib's object API (:class:`matplotlib.figure.Figure`): the library never
switches matplotlib's backend or touches pyplot's global state. :func:`utility_space_figure`
returns the figure (tests inspect what is drawn); :func:`plot_utility_space` saves it.

Reading aids: coinciding solutions share one marker with a combined label; the legend sits
outside the axes; draft labels are placed greedily where they overlap no other label; an empty
zone is said on the plot and the concession package that would open one is marked; with a
single issue the top and right axes show its option values.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from zopa.analysis.pareto import frontier_mask
from zopa.analysis.result import Analysis, Concession, Point
from zopa.errors import AnalysisError
from zopa.model.compiled import CompiledScenario, compile_scenario
from zopa.model.scenario import Scenario
from zopa.report.figures import new_figure
from zopa.vocab import (
    SOLUTION_KEYS,
    concession_takes,
    option_label,
    package_words,
    party_label,
    solution,
    utility,
)

__all__ = ["MAX_POINTS", "plot_utility_space", "utility_space_figure"]

MAX_POINTS = 200_000
_DRAFT = "#ff8f00"
_HALO = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}


def plot_utility_space(
    scenario: Scenario,
    analysis: Analysis,
    out: str | Path,
    parties: tuple[str, str] | None = None,
) -> Path:
    """Draw the utility space of two parties to ``out`` (PNG, SVG or PDF by suffix)."""
    import matplotlib as mpl

    from zopa.report.figures import save_figure

    with mpl.rc_context({"text.parse_math": False}):  # a `$` in a label is text, not mathtext
        fig = utility_space_figure(scenario, analysis, parties)
    return save_figure(fig, out, dpi=110)


def utility_space_figure(
    scenario: Scenario, analysis: Analysis, parties: tuple[str, str] | None = None
) -> Figure:
    """The utility-space figure of two parties (the first two gating parties by default)."""
    cs = compile_scenario(scenario)
    ids = list(cs.party_ids)
    a, b = parties or _default_parties(analysis, ids)
    for p in (a, b):
        if p not in ids:
            raise AnalysisError(f"unknown party `{p}` for the plot; parties: {', '.join(ids)}")
    if a == b:
        raise AnalysisError(f"the plot needs two different parties (got `{a}` twice)")
    ia, ib = ids.index(a), ids.index(b)
    la, lb = party_label(scenario, a), party_label(scenario, b)
    single = len(scenario.issues) == 1
    fig = new_figure((10.5, 6.8))
    fig.set_dpi(110)
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.07, right=0.64 if single else 0.66, top=0.86, bottom=0.09)
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.03, 1.03)
    sampled = _packages(ax, cs, ia, ib)
    _reservations(ax, float(cs.reservation[ia]), float(cs.reservation[ib]), la, lb)
    groups = _groups(analysis, a, b)
    drafts = _draft_points(scenario, cs, ia, ib)
    con = _concession(analysis)
    # every marker is an obstacle for the labels placed next to them
    taken = [
        _box(ax, x, y, 10.0) for _, pt in groups for x, y in [(pt.utilities[a], pt.utilities[b])]
    ]
    taken += [_box(ax, x, y, 5.0) for x, y in drafts.values()]
    if con is not None:
        taken.append(_box(ax, con.point.utilities[a], con.point.utilities[b], 7.0))
    _solutions(ax, groups, a, b, taken)
    _drafts(ax, scenario, drafts, taken)
    if not analysis.zone.exists:
        _empty_zone(ax, scenario, con, a, b, single)
    if single:
        _option_axes(ax, scenario, cs, ia, ib)
    ax.set_xlabel(f"utility of {la} (0 = worst package, 1 = best)")
    ax.set_ylabel(f"utility of {lb}")
    title = f"{scenario.title}\nutility space of {la} and {lb}"
    if sampled:
        title += f"\n(a uniform sample of {MAX_POINTS:,} of {cs.outcomes:,} packages)"
    ax.set_title(title, fontsize=10, pad=28 if single else 8)
    ax.grid(alpha=0.3)
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.16 if single else 1.02, 1.0),
        fontsize=8,
        framealpha=0.9,
        borderaxespad=0,
    )
    return fig


def _reservations(ax: Axes, ra: float, rb: float, la: str, lb: str) -> None:
    ax.axvline(ra, c="#c62828", ls="--", lw=1)
    ax.axhline(
        rb,
        c="#c62828",
        ls="--",
        lw=1,
        label=textwrap.fill(
            f"reservations (BATNA): {la} {utility(ra)} (vertical), {lb} {utility(rb)} (horizontal)",
            34,
        ),
    )


def _box(ax: Axes, x: float, y: float, r: float) -> tuple[float, float, float, float]:
    px, py = ax.transData.transform((x, y)) * 72.0 / ax.figure.dpi
    return (px - r, py - r, px + r, py + r)


def _concession(analysis: Analysis) -> Concession | None:
    c = analysis.concessions
    if analysis.zone.exists or c is None:
        return None
    return c.uniform or c.min_sum or c.red_lines


def _packages(ax: Axes, cs: CompiledScenario, ia: int, ib: int) -> bool:
    """Scatter every package (a sample above MAX_POINTS) and the zone's frontier."""
    rng = np.random.default_rng(0)
    sampled = cs.outcomes > MAX_POINTS
    numbers = (
        rng.choice(cs.outcomes, MAX_POINTS, replace=False) if sampled else np.arange(cs.outcomes)
    ).astype(np.int64)
    idx = cs.decode(numbers)
    u = cs.utilities(idx)
    gate = cs.gating_index
    big = 1.0 if len(numbers) > 2000 else 3.0  # few packages: larger dots
    feas = cs.feasible(idx)
    zone = feas & cs.red_line_ok(idx)[:, gate].all(axis=1)
    zone &= (u[:, gate] >= cs.reservation[gate]).all(axis=1)
    if (~feas).any():
        ax.scatter(
            u[~feas, ia], u[~feas, ib], s=3 * big, c="#e0e0e0", label="infeasible", rasterized=True
        )
    out = feas & ~zone
    if out.any():
        ax.scatter(
            u[out, ia],
            u[out, ib],
            s=5 * big,
            c="#9aa5b1",
            label="outside the zone",
            rasterized=True,
        )
    if zone.any():
        ax.scatter(
            u[zone, ia],
            u[zone, ib],
            s=9 * big,
            c="#2e8b57",
            label="agreement zone",
            rasterized=True,
        )
        pts = u[zone][:, [ia, ib]]
        f = pts[frontier_mask(pts)]
        f = f[np.argsort(f[:, 0])]
        ax.plot(f[:, 0], f[:, 1], "-", c="#1b5e20", lw=1.5, label="frontier of the zone")
    return bool(sampled)


def _groups(analysis: Analysis, a: str, b: str) -> list[tuple[list[str], Point]]:
    """Solutions that fall on the same spot of this plot, grouped."""
    groups: list[tuple[list[str], Point]] = []
    for name, sol in analysis.solutions.items():
        if sol is None:
            continue
        for names, pt in groups:
            if (
                abs(pt.utilities[a] - sol.utilities[a]) < 5e-3
                and abs(pt.utilities[b] - sol.utilities[b]) < 5e-3
            ):
                names.append(name)
                break
        else:
            groups.append(([name], sol))
    return groups


def _solutions(
    ax: Axes,
    groups: list[tuple[list[str], Point]],
    a: str,
    b: str,
    taken: list[tuple[float, float, float, float]],
) -> None:
    """One marker per spot; coinciding solutions share it, named together."""
    for names, pt in groups:
        first = solution(names[0])
        legend = textwrap.fill(" = ".join(solution(n).name for n in names), 34)
        x, y = pt.utilities[a], pt.utilities[b]
        ax.scatter(
            x,
            y,
            marker=first.marker,
            s=first.size,
            c=first.colour,
            edgecolor="k",
            zorder=8,
            label=legend,
        )
        if len(names) > 1:  # a shared marker: say on the plot which solutions meet here
            short = (
                f"all {len(names)} solutions"
                if len(names) == len(SOLUTION_KEYS)
                else " = ".join(solution(n).short for n in names)
            )
            _label(ax, x, y, short, taken, fontsize=7, color="#222222", bbox=_HALO)


def _empty_zone(
    ax: Axes, scenario: Scenario, con: Concession | None, a: str, b: str, single: bool
) -> None:
    """Say the zone is empty, beside the axes, and mark the package a concession opens."""
    text = "NO AGREEMENT ZONE:\nno package meets every\nreservation and red line"
    if con is not None:
        what = concession_takes(scenario, con)
        pkg = package_words(scenario, con.point.package)
        if len(pkg) > 160:
            pkg = pkg[:159] + "…"
        marks = f"X marks the package a concession opens ({what}): {pkg}"
        text += "\n\n" + textwrap.fill(marks, 30)
        x, y = con.point.utilities[a], con.point.utilities[b]
        ax.scatter(x, y, marker="X", s=170, c="#6a1b9a", edgecolor="w", zorder=9,
                   label="package a concession opens")  # fmt: skip
    ax.text(
        1.16 if single else 1.02,
        0.0,
        text,
        transform=ax.transAxes,
        ha="left",
        va="bottom",
        fontsize=8,
        color="#b71c1c",
        bbox={"boxstyle": "round", "fc": "#ffebee", "ec": "#b71c1c"},
    )


def _draft_points(
    scenario: Scenario, cs: CompiledScenario, ia: int, ib: int
) -> dict[str, tuple[float, float]]:
    where: dict[str, tuple[float, float]] = {}
    for d in scenario.drafts:
        u = cs.utility(scenario.indices(d.package))
        where[d.id] = (float(u[ia]), float(u[ib]))
    return where


def _drafts(
    ax: Axes,
    scenario: Scenario,
    where: dict[str, tuple[float, float]],
    taken: list[tuple[float, float, float, float]],
) -> None:
    for d in scenario.drafts:
        x0, y0 = where[d.id]
        if d.revises and d.revises in where:
            xr, yr = where[d.revises]
            ax.annotate(
                "",
                (x0, y0),
                (xr, yr),
                arrowprops={"arrowstyle": "->", "color": _DRAFT, "lw": 1.4, "shrinkB": 5},
                zorder=6,
            )
    for d in scenario.drafts:
        x, y = where[d.id]
        ax.scatter(x, y, marker="o", s=60, c=_DRAFT, edgecolor="k", zorder=7)
        _label(
            ax,
            x,
            y,
            d.id,
            taken,
            fontsize=8,
            color="#e65100",
            weight="bold",
            bbox=_HALO,
        )
    if scenario.drafts:
        ax.scatter(
            [], [], marker="o", s=60, c=_DRAFT, edgecolor="k", label="drafts (arrows: revisions)"
        )


# candidate offsets (points) around a marker, tried in order
_OFFSETS = [(7, 4), (7, -13), (-7, 4), (-7, -13), (9, 14), (-9, 14), (9, -24), (-9, -24),
            (18, 26), (-18, 26), (18, -36), (-18, -36), (30, 0), (-30, 0), (0, 40),
            (0, -48)]  # fmt: skip


def _label(
    ax: Axes,
    x: float,
    y: float,
    text: str,
    taken: list[tuple[float, float, float, float]],
    **style: object,
) -> None:
    """Place ``text`` next to (x, y) where its box overlaps no label placed before."""
    fs = float(style.get("fontsize", 8))  # type: ignore[arg-type]
    w, h = 0.6 * fs * max(len(line) for line in text.split("\n")), 1.25 * fs
    px, py = ax.transData.transform((x, y)) * 72.0 / ax.figure.dpi
    (ax0, ay0), (ax1, ay1) = ax.transAxes.transform([(0, 0), (1, 1)]) * 72.0 / ax.figure.dpi
    best = None
    for dx, dy in _OFFSETS:
        left = dx >= 0
        x0 = px + dx if left else px + dx - w
        box = (x0, py + dy, x0 + w, py + dy + h)
        inside = ax0 <= box[0] and box[2] <= ax1 and ay0 <= box[1] and box[3] <= ay1
        if inside and not any(_overlap(box, t) for t in taken):
            best = (dx, dy, left, box)
            break
    if best is None:
        dx, dy = _OFFSETS[0]
        best = (dx, dy, True, (px + dx, py + dy, px + dx + w, py + dy + h))
    dx, dy, left, box = best
    taken.append(box)
    far = abs(dx) + abs(dy) > 25
    ax.annotate(
        text,
        (x, y),
        xytext=(dx, dy),
        textcoords="offset points",
        ha="left" if left else "right",
        va="bottom",
        zorder=9,
        arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.6} if far else None,
        **style,  # type: ignore[arg-type]
    )


def _overlap(p: Sequence[float], q: Sequence[float]) -> bool:
    return p[0] < q[2] and q[0] < p[2] and p[1] < q[3] and q[1] < p[3]


def _option_axes(ax: Axes, scenario: Scenario, cs: CompiledScenario, ia: int, ib: int) -> None:
    """With one issue, show its option values along the top (party a) and right (party b)."""
    iss = scenario.issues[0]
    n = len(iss.options)
    idx = np.arange(n, dtype=np.int64)[:, None]
    u = cs.utilities(idx)
    step = max(1, int(np.ceil(n / 6)))
    keep = list(range(0, n, step))
    if keep[-1] != n - 1:
        keep.append(n - 1)
    labels = [option_label(iss, k) for k in keep]
    name = iss.label + (f" ({iss.unit})" if iss.unit else "")
    for axis, col in (("top", ia), ("right", ib)):
        sec = ax.secondary_xaxis("top") if axis == "top" else ax.secondary_yaxis("right")
        ticks = [float(u[k, col]) for k in keep]
        sec.set_ticks(ticks, labels=labels, fontsize=7)
        who = scenario.party(cs.party_ids[col]).label
        (sec.set_xlabel if axis == "top" else sec.set_ylabel)(f"{name}, for {who}", fontsize=8)


def _default_parties(analysis: Analysis, ids: list[str]) -> tuple[str, str]:
    gating = list(analysis.parties)
    rest = [p for p in ids if p not in gating]
    both = gating + rest
    if len(both) < 2:
        raise AnalysisError("the plot needs two parties with preferences")
    return both[0], both[1]
