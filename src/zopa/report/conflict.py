"""Terminal tables and the state graph for GMCR stability (``zopa stability``).

States are shown in words (each decision maker's choices, with option labels) next to the
gmcr-py state number and its Y/N code; the status quo is marked; every solution concept is
explained in one line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from zopa.report.figures import new_figure, save_figure

if TYPE_CHECKING:
    from pathlib import Path

    from matplotlib.figure import Figure

    from zopa.conflict.model import Conflict
    from zopa.conflict.reach import CoalitionResult, PathStep, StatusQuoResult
    from zopa.conflict.stability import StabilityResult

__all__ = [
    "CONCEPT_MEANING",
    "MAX_PLOT_STATES",
    "plot_state_graph",
    "render_stability",
    "state_graph_figure",
]

MAX_PLOT_STATES = 64
"""Above this many states a drawn state graph cannot be read; the tables say it all."""

CONCEPT_SHORT = {"nash": "Nash", "gmr": "GMR", "smr": "SMR", "seq": "SEQ"}
CONCEPT_MEANING = {
    "nash": "Nash (R): no decision maker can move on its own to a state it prefers.",
    "gmr": "GMR (general metarationality): every move a decision maker prefers can be "
    "answered by the others with moves that leave it no better off than now.",
    "smr": "SMR (symmetric metarationality): as GMR, and the decision maker cannot escape "
    "that answer with a counter-move of its own.",
    "seq": "SEQ (sequential stability): as GMR, but the others answer only with moves that "
    "are improvements for themselves (credible sanctions).",
}
_SHOWN = 40


def _ids(ids: Sequence[int]) -> str:
    text = ", ".join(str(k) for k in ids[:_SHOWN])
    return (text + f", … ({len(ids)} in all)") if len(ids) > _SHOWN else (text or "none")


def _state(conflict: Conflict, state_id: int) -> str:
    sq = conflict.status_quo is not None and conflict.status_quo + 1 == state_id
    return f"{state_id}" + (" (status quo)" if sq else "")


def render_stability(
    result: StabilityResult,
    console: Console,
    *,
    coalitions: CoalitionResult | None = None,
    status_quo: Sequence[StatusQuoResult] = (),
) -> None:
    """Header and key, the equilibria in words, stable states per DM, coalitions, paths."""
    from zopa.conflict.stability import CONCEPTS

    c = result.conflict
    console.print(
        f"[bold]{c.title or 'conflict'}[/]: {len(c.decision_makers)} decision makers, "
        f"{len(c.options)} options, {c.n_states} feasible states"
    )
    console.print(
        "state codes list Y (taken) or N for the options in this order: "
        + ", ".join(f"{o.id}" + (f" ({o.label})" if o.label else "") for o in c.options)
    )
    if c.status_quo is not None:
        sq = c.status_quo
        console.print(f"status quo: state {sq + 1} {c.pattern(sq)} - {c.describe(sq)}")
    for name in CONCEPTS:
        console.print(f"[dim]{CONCEPT_MEANING[name]}[/]")
    console.print(_equilibria_table(result))
    console.print(_per_dm_table(result))
    if coalitions is not None:
        t = Table("coalition", "stable states", title="coalition stability", title_justify="left")
        for members, ids in coalitions.stable.items():
            t.add_row(" + ".join(members), _ids(ids))
        t.add_row("[bold]coalition-Nash equilibria[/]", _ids(coalitions.equilibria))
        console.print(t)
        console.print(
            "[dim]a state is stable for a coalition when its members cannot together reach a "
            "state every one of them prefers[/]"
        )
    for sq_result in status_quo:
        _render_status_quo(sq_result, console)


def _equilibria_table(result: StabilityResult) -> Table:
    from zopa.conflict.stability import CONCEPTS

    c = result.conflict
    eq = {name: set(result.equilibria(name)) for name in CONCEPTS}
    states = sorted(set().union(*eq.values()))
    t = Table(
        title=f"equilibria (stable for every decision maker): {len(states)} state(s)",
        title_justify="left",
    )
    t.add_column("state")
    t.add_column("code")
    for dm in c.decision_makers:
        t.add_column(f"{dm.id} takes")
    for name in CONCEPTS:
        t.add_column(CONCEPT_SHORT[name], justify="center")
    for k in states[:_SHOWN]:
        words = c.choices(k - 1)
        t.add_row(
            _state(c, k),
            c.pattern(k - 1),
            *(", ".join(words[dm.id]) or "-" for dm in c.decision_makers),
            *("yes" if k in eq[name] else "" for name in CONCEPTS),
        )
    if len(states) > _SHOWN:
        t.caption = f"first {_SHOWN} of {len(states)} shown; --json lists them all"
    if not states:
        t.caption = "no state is an equilibrium under any concept"
    return t


def _per_dm_table(result: StabilityResult) -> Table:
    from zopa.conflict.stability import CONCEPTS

    c = result.conflict
    t = Table(title="stable states per decision maker", title_justify="left")
    t.add_column("decision maker")
    for name in CONCEPTS:
        t.add_column(CONCEPT_SHORT[name], overflow="fold")
    views = {name: result.concept(name) for name in CONCEPTS}
    for dm in c.dm_ids:
        t.add_row(dm, *(_ids(views[name].per_dm[dm]) for name in CONCEPTS))
    return t


def _path_words(conflict: Conflict, path: Sequence[PathStep]) -> str:
    steps = [
        f"{conflict.move_text(s.dm, s.source - 1, s.target - 1)} (-> {s.target})" for s in path
    ]
    return ", then ".join(steps)


def _render_status_quo(sq: StatusQuoResult, console: Console) -> None:
    c = sq.conflict
    kind = "by improvements only" if sq.improvements_only else "by any legal moves"
    console.print(
        f"[bold]from the status quo (state {sq.status_quo}), {kind}[/]: "
        f"{len(sq.reachable)} of {c.n_states} states reachable"
    )
    reached = [(t, p) for t, p in sq.paths.items() if p is not None and t != sq.status_quo]
    unreached = [t for t, p in sq.paths.items() if p is None]
    for target, path in reached:
        console.print(f"  to equilibrium {target} in {len(path)} move(s): {_path_words(c, path)}")
    if unreached:
        console.print(f"  not reachable: equilibria {_ids(unreached)}")
    if not reached:
        console.print("  no other equilibrium can be reached this way")


def state_graph_figure(result: StabilityResult, concept: str = "nash") -> Figure:
    """The state graph, laid out by distance from the status quo.

    Column ``d`` holds the states ``d`` unilateral moves away from the status quo (state 1
    when there is none); states no move sequence reaches sit in a last column. Arrows show
    each decision maker's unilateral moves in their direction (colour = mover), the
    equilibria of ``concept`` are gold, the status quo is a square, and a key explains the
    Y/N codes.
    """
    import numpy as np

    from zopa.conflict.moves import move_tables
    from zopa.conflict.stability import CONCEPT_NAMES, CONCEPTS
    from zopa.errors import AnalysisError

    conflict = result.conflict
    n = conflict.n_states
    if n > MAX_PLOT_STATES:
        raise AnalysisError(
            f"the state graph has {n} states; it is drawn up to {MAX_PLOT_STATES} states, "
            "beyond which it cannot be read. Run without --plot: the tables list the "
            "equilibria in words and the stable states of every decision maker"
        )
    if concept not in CONCEPTS:
        raise AnalysisError(f"unknown concept {concept!r}; use one of {', '.join(CONCEPTS)}")
    edges: list[tuple[int, int, int]] = []
    for i, table in enumerate(move_tables(conflict)):
        dst = table.rows(0, n)
        for k, t in zip(*np.nonzero(dst < n), strict=True):
            edges.append((i, int(k), int(dst[k, t])))
    start = conflict.status_quo if conflict.status_quo is not None else 0
    layer = _layers(n, start, [(a, b) for _, a, b in edges])
    xy = _positions(layer, [(a, b) for _, a, b in edges])
    size = max(5.5, 1.6 * (max(layer) + 1) + 2.5), max(4.5, 0.55 * max(_counts(layer)) + 2.0)
    fig = new_figure(size)
    ax = fig.add_subplot()
    colours = ["#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#bbbbbb"]
    for i, a, b in edges:
        ax.annotate(
            "",
            xy=xy[b],
            xytext=xy[a],
            arrowprops={
                "arrowstyle": "-|>",
                "color": colours[i % len(colours)],
                "alpha": 0.5,
                "lw": 0.9,
                "shrinkA": 11,
                "shrinkB": 11,
                "connectionstyle": "arc3,rad=0.12",
            },
        )
    for i, dm in enumerate(conflict.dm_ids):
        ax.plot([], [], color=colours[i % len(colours)], lw=2, label=f"move by {dm}")
    eq = np.zeros(n, dtype=bool)
    eq[[k - 1 for k in result.equilibria(concept)]] = True
    plain = ~eq
    plain[start] = False
    ax.scatter(xy[plain, 0], xy[plain, 1], s=700, c="white", edgecolors="grey", zorder=3)
    ax.scatter(
        xy[eq, 0],
        xy[eq, 1],
        s=700,
        c="gold",
        edgecolors="black",
        zorder=3,
        label=CONCEPT_NAMES[concept],
    )
    ax.scatter(
        [xy[start, 0]],
        [xy[start, 1]],
        s=820,
        marker="s",
        c="gold" if eq[start] else "white",
        edgecolors="#aa3333",
        linewidths=2,
        zorder=4,
        label="status quo" if conflict.status_quo is not None else "state 1 (no status quo)",
    )
    fs = 7 if n <= 32 else 6
    for k in range(n):
        ax.text(
            xy[k, 0],
            xy[k, 1],
            f"{k + 1}\n{conflict.pattern(k)}",
            ha="center",
            va="center",
            fontsize=fs,
            zorder=5,
        )
    far = max(layer)
    ticks = list(range(far + 1))
    names = [f"{d} move{'s' if d != 1 else ''}" for d in ticks]
    if any(v == -1 for v in layer):
        ticks.append(far + 1)
        names.append("not reachable")
    ax.set_xticks(ticks, names, fontsize=8)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("distance from the status quo (unilateral moves)", fontsize=8)
    ax.set_title(f"{conflict.title or 'state graph'}: {n} states", fontsize=10)
    key = "code: " + " ".join(o.id for o in conflict.options) + "  (Y = taken, N = not)"
    ax.text(0.0, -0.09, key, transform=ax.transAxes, fontsize=8, ha="left", va="top")
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        frameon=False,
        markerscale=0.45,
        labelspacing=1.1,
    )
    ax.margins(0.12)
    return fig


def plot_state_graph(result: StabilityResult, path: str | Path, concept: str = "nash") -> Path:
    """Write :func:`state_graph_figure` to ``path`` (PNG, SVG or PDF by suffix)."""
    return save_figure(state_graph_figure(result, concept), path)


def _layers(n: int, start: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    """Breadth-first distance of every state from ``start`` (-1: never reached)."""
    nxt: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        nxt[a].append(b)
    dist = [-1] * n
    dist[start] = 0
    queue = [start]
    for a in queue:
        for b in nxt[a]:
            if dist[b] < 0:
                dist[b] = dist[a] + 1
                queue.append(b)
    return dist


def _counts(layer: Sequence[int]) -> list[int]:
    far = max(layer)
    return [sum(1 for v in layer if (v if v >= 0 else far + 1) == d) for d in range(far + 2)]


def _positions(layer: Sequence[int], edges: Sequence[tuple[int, int]]) -> Any:
    """Columns by distance; within a column, states ordered by the mean height of the states
    they are reached from (the barycentre heuristic of layered drawing, fewer crossings)."""
    import numpy as np

    far = max(layer)
    col = [v if v >= 0 else far + 1 for v in layer]
    sources: list[list[int]] = [[] for _ in layer]
    for a, b in edges:
        if col[a] == col[b] - 1:
            sources[b].append(a)
    xy = np.zeros((len(layer), 2))
    for d in sorted(set(col)):
        members = [k for k, c in enumerate(col) if c == d]
        if d > 0:
            members.sort(
                key=lambda k: -float(np.mean([xy[a, 1] for a in sources[k]])) if sources[k] else 0.0
            )
        for r, k in enumerate(members):
            xy[k] = (d, (len(members) - 1) / 2 - r)
    return xy
