"""Rich renderings of analysis results for the terminal."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from zopa.analysis.drafts import Comparison, DraftEvaluation
from zopa.analysis.result import Analysis, Point

__all__ = ["render_analysis", "render_comparison", "render_evaluation"]

_NAMES = {
    "nash": "Nash",
    "nash_weighted": "Nash (power-weighted)",
    "kalai_smorodinsky": "Kalai-Smorodinsky",
    "egalitarian": "egalitarian (leximin)",
    "utilitarian": "utilitarian",
}


def _pkg(p: Mapping[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in p.items())


def _points_table(title: str, rows: list[tuple[str, Point]], parties: list[str]) -> Table:
    t = Table(title=title, title_justify="left", show_lines=False)
    t.add_column("", style="bold")
    t.add_column("package", overflow="fold")
    for p in parties:
        t.add_column(p, justify="right")
    for name, pt in rows:
        cells = [f"{pt.utilities[p]:.3f} ({pt.margins[p]:+.3f})" for p in parties]
        t.add_row(name, _pkg(pt.package), *cells)
    return t


_SHORT = {
    "nash": "Nash",
    "nash_weighted": "Nash (power)",
    "kalai_smorodinsky": "Kalai-Smor.",
    "egalitarian": "egalitarian",
    "utilitarian": "utilitarian",
}


def _matrix(title: str, columns: list[tuple[str, Point]], parties: list[str]) -> Table:
    """Issues and parties as rows, one column per package: compact for many issues."""
    t = Table(title=title, title_justify="left")
    t.add_column("", style="bold")
    for name, _ in columns:
        t.add_column(name, overflow="fold")
    issues = list(columns[0][1].package) if columns else []
    for i in issues:
        t.add_row(i, *(str(pt.package[i]) for _, pt in columns))
    t.add_section()
    for p in parties:
        t.add_row(
            f"{p} utility (margin)",
            *(f"{pt.utilities[p]:.3f} ({pt.margins[p]:+.3f})" for _, pt in columns),
        )
    return t


def render_analysis(a: Analysis, console: Console, *, frontier_rows: int = 10) -> None:
    nash = a.solutions.get("nash")
    parties = list(nash.utilities) if nash else list(a.parties)
    z = a.zone
    size = f"{z.size:,}" if z.size is not None else "unknown"
    if not z.exact and z.interval:
        size = f"about {size} (95% interval {z.interval[0]:,}-{z.interval[1]:,}, estimated)"
    head = Text()
    head.append(f"{a.title}\n", style="bold")
    head.append(f"packages: {a.outcomes:,}")
    if a.feasible is not None:
        head.append(f"   feasible: {a.feasible:,}")
    head.append(f"   engine: {a.engine}\n")
    head.append("agreement zone: ")
    head.append("exists" if z.exists else "EMPTY", style="bold green" if z.exists else "bold red")
    head.append(f", {size} package(s) acceptable to {', '.join(a.parties)}")
    console.print(Panel(head, expand=False))
    if z.exists:
        cols = [(_SHORT[k], v) for k, v in a.solutions.items() if v is not None]
        console.print(_matrix("Bargaining solutions", cols, parties))
        f = a.frontier
        if f.size is not None:
            shown = list(f.points[:frontier_rows])
            t = Table(
                title=f"Pareto frontier of the zone: {f.size:,} package(s)"
                + (
                    f", first {len(shown)} shown (--json lists them)" if f.size > len(shown) else ""
                ),
                title_justify="left",
            )
            t.add_column("#")
            for p in parties:
                t.add_column(p, justify="right")
            for k, pt in enumerate(shown):
                t.add_row(str(k + 1), *(f"{pt.utilities[p]:.3f}" for p in parties))
            console.print(t)
    if a.concessions is not None:
        _render_concessions(a, console, parties)
    for n in a.notes:
        console.print(f"[dim]note: {n}[/]")


def _render_concessions(a: Analysis, console: Console, parties: list[str]) -> None:
    c = a.concessions
    assert c is not None
    t = Table(title=f"What would open a zone (engine: {c.engine})", title_justify="left")
    t.add_column("concession", style="bold")
    t.add_column("what it takes", overflow="fold")
    t.add_column("package it opens", overflow="fold")
    if c.uniform:
        t.add_row(
            "smallest uniform drop",
            f"every reservation down by {c.uniform.total:.3f}",
            _pkg(c.uniform.point.package),
        )
    else:
        t.add_row(
            "smallest uniform drop", "impossible: red lines and constraints leave no package", "-"
        )
    if c.min_sum:
        d = ", ".join(f"{p} -{v:.3f}" for p, v in c.min_sum.drops.items() if v > 0) or "none"
        t.add_row(
            "least total drop", f"{d} (sum {c.min_sum.total:.3f})", _pkg(c.min_sum.point.package)
        )
    if c.min_max:
        d = ", ".join(f"{p} -{v:.3f}" for p, v in c.min_max.drops.items() if v > 0) or "none"
        t.add_row(
            "smallest largest drop",
            f"{d} (max {c.min_max.total:.3f})",
            _pkg(c.min_max.point.package),
        )
    if c.red_lines:
        rl = "; ".join(f"{p}: `{r}`" for p, r in c.red_lines.relaxed) or "none"
        t.add_row(
            "fewest red lines relaxed",
            f"{int(c.red_lines.total)}: {rl}",
            _pkg(c.red_lines.point.package),
        )
    else:
        t.add_row(
            "fewest red lines relaxed",
            "impossible: reservations cannot all be met even without red lines",
            "-",
        )
    console.print(t)


def render_evaluation(e: DraftEvaluation, console: Console) -> None:
    t = Table(title=f"Draft {e.name}: {_pkg(e.point.package)}", title_justify="left")
    t.add_column("party", style="bold")
    t.add_column("utility", justify="right")
    t.add_column("margin", justify="right")
    t.add_column("acceptable")
    t.add_column("red lines broken", overflow="fold")
    for p, u in e.point.utilities.items():
        ok = "[green]yes[/]" if e.acceptable[p] else "[red]no[/]"
        t.add_row(
            p,
            f"{u:.3f}",
            f"{e.point.margins[p]:+.3f}",
            ok,
            "; ".join(f"`{r}`" for r in e.broken[p]),
        )
    console.print(t)
    lines = []
    if e.violated:
        lines.append(
            "[red]breaks scenario constraints:[/] " + "; ".join(f"`{c}`" for c in e.violated)
        )
    lines.append("in the agreement zone: " + ("[green]yes[/]" if e.in_zone else "[red]no[/]"))
    if e.zone_distance is not None and not e.in_zone:
        lines.append(f"issues to change to reach the zone: {e.zone_distance}")
    elif e.zone_distance is None:
        lines.append("the agreement zone is empty")
    dom = "[yellow]yes[/]" if e.dominated else "no"
    count = f" ({e.improvement_count:,} Pareto improvements)" if e.improvement_count else ""
    lines.append(f"Pareto-dominated: {dom}{count}")
    if e.nash is not None and e.nash_distance is not None:
        lines.append(
            f"distance to the Nash package: {int(e.nash_distance['issues'])} issue(s), "
            f"{e.nash_distance['utility']:.3f} in utility"
        )
    console.print(Group(*(Text.from_markup(x) for x in lines)))
    if e.improvements:
        parties = list(e.point.utilities)
        console.print(
            _matrix(
                "Best Pareto improvements (nobody loses, someone gains)",
                [(f"#{k + 1}", p) for k, p in enumerate(e.improvements)],
                parties,
            )
        )


def render_comparison(c: Comparison, console: Console) -> None:
    t = Table(title=f"{c.before.name} -> {c.after.name}", title_justify="left")
    t.add_column("issue", style="bold")
    t.add_column("from")
    t.add_column("to")
    for i, a, b in c.changed:
        t.add_row(i, str(a), str(b))
    console.print(t)
    g = Table(title="Per party", title_justify="left")
    g.add_column("party", style="bold")
    for col in ("before", "after", "gain", "acceptable before", "after "):
        g.add_column(col, justify="right")
    for p, gain in c.gains.items():
        style = "green" if gain > 1e-9 else "red" if gain < -1e-9 else "dim"
        g.add_row(
            p,
            f"{c.before.point.utilities[p]:.3f}",
            f"{c.after.point.utilities[p]:.3f}",
            f"[{style}]{gain:+.3f}[/]",
            "yes" if c.before.acceptable[p] else "no",
            "yes" if c.after.acceptable[p] else "no",
        )
    console.print(g)
    dist = []
    for label, e in (("before", c.before), ("after", c.after)):
        short = e.shortfall()
        broken = sum(len(v) for v in e.broken.values())
        zd = (
            "in the zone"
            if e.in_zone
            else (
                f"{e.zone_distance} issue(s) from the zone"
                if e.zone_distance is not None
                else "no zone"
            )
        )
        dist.append(f"{label}: {zd}; reservation shortfall {short:.3f}; red lines broken {broken}")
    console.print("\n".join(dist))
    console.print(f"[bold]verdict:[/] {c.verdict}")
