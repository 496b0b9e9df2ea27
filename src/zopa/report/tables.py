"""Rich renderings of scenario analyses for the terminal: validate, analyze, evaluate, compare.

Every table shows labels next to ids (``--json`` keeps the ids): an issue as ``Label (id)``, an
option as ``id: label`` when the label says more than the id, numbers with the issue's unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from zopa.analysis.reach import IssueChange, ZonePath, find_option
from zopa.analysis.result import Analysis, Concession, Point
from zopa.model.scenario import Issue, Scenario
from zopa.report.fit import PIPE_WIDTH, fits, longest_word
from zopa.vocab import (
    CONCESSION_KINDS,
    concession_takes,
    draft_label,
    estimated_count,
    join,
    option_label,
    party_label,
    plural,
    possessive,
    red_line_words,
    signed,
    solution,
    utility,
)

if TYPE_CHECKING:  # loaded by `zopa evaluate`/`compare`, not by `zopa analyze`
    from zopa.analysis.drafts import Comparison, DraftEvaluation

__all__ = [
    "issue_name",
    "option_cell",
    "options_key",
    "render_analysis",
    "render_comparison",
    "render_evaluation",
    "render_validation",
]

# ---------------------------------------------------------------------------- labels


def issue_name(iss: Issue) -> str:
    """``Label (id)``, or the id alone when the label is the id."""
    return iss.id if iss.label == iss.id else f"{iss.label} ({iss.id})"


def option_text(iss: Issue, value: object) -> str:
    """An option as shown in a table: ``id: label``, or a number with the unit."""
    k = find_option(iss, str(value))
    if k is None:
        return str(value)
    o = iss.options[k]
    if o.number is not None:
        return option_label(iss, k)
    return o.id if o.label == o.id else f"{o.id}: {o.label}"


def package_text(s: Scenario, package: Mapping[str, object]) -> str:
    """A short package: ``issue=option`` pairs (ids, units on numbers)."""
    parts = []
    for k, v in package.items():
        try:
            iss = s.issue(k)
        except KeyError:
            parts.append(f"{k}={v}")
            continue
        kk = find_option(iss, str(v))
        shown = option_label(iss, kk) if kk is not None and iss.numeric else str(v)
        parts.append(f"{k}={shown}")
    return ", ".join(parts)


def change_text(c: IssueChange, *, labels: bool = True) -> str:
    """``Label (id): from -> to (to's label)``: ids for options, units for numbers."""
    a = c.before_label if isinstance(c.before, int | float) else str(c.before)
    b = c.after_label if isinstance(c.after, int | float) else str(c.after)
    name = c.issue if c.issue_label == c.issue else f"{c.issue_label} ({c.issue})"
    extra = ""
    if labels and not isinstance(c.after, int | float) and c.after_label != str(c.after):
        extra = f" ({c.after_label})"
    return f"{name}: {a} -> {b}{extra}"


def _notes(console: Console, notes: Sequence[str]) -> None:
    for n in notes:
        console.print(f"[dim]note: {escape(n)}[/]")


# ---------------------------------------------------------------------------- validate


def render_validation(s: Scenario, file: str, console: Console) -> None:
    console.print(
        f"[green]ok[/] {escape(file)}: {escape(repr(s.title))} - {len(s.issues)} issues, "
        f"{len(s.parties)} parties, {s.outcomes:,} packages, {len(s.drafts)} drafts"
    )


# ---------------------------------------------------------------------------- analyze


def option_cell(iss: Issue, value: object, key: dict[str, str] | None = None) -> str:
    """An option in a many-column table: its id, or a number with the unit. With ``key``, an
    option whose label says more than its id is recorded there (``issue=id`` -> label), for
    :func:`options_key` below the table."""
    k = find_option(iss, str(value))
    if k is None:
        return str(value)
    o = iss.options[k]
    if o.number is not None:
        return option_label(iss, k)
    if key is not None and o.label != o.id:
        key[f"{iss.id}={o.id}"] = o.label
    return o.id


def options_key(key: Mapping[str, str]) -> Text:
    """The key below a table of :func:`option_cell` cells: each option shown, in words."""
    lines = Text("options shown:\n", style="dim")
    lines.append("\n".join(f"  {k}: {v}" for k, v in key.items()), style="dim")
    return lines


def _matrix(
    s: Scenario,
    title: str,
    columns: Sequence[tuple[str, Point]],
    parties: Sequence[str],
    *,
    base: Mapping[str, object] | None = None,
    width: int = PIPE_WIDTH,
) -> Group:
    """Issues and parties as rows, one column per package; ``base`` marks what changed.

    Cells hold option ids; the key below the table gives the label of every option shown.
    When the columns cannot all fit ``width`` with whole words, the packages are stacked: one
    two-column table each (issue, option with its label), nothing dropped or cut.
    """
    issues = list(columns[0][1].package) if columns else []
    key: dict[str, str] = {}
    rows: list[tuple[str, list[str]]] = []
    for i in issues:
        iss = s.issue(i)
        cells = []
        for _, pt in columns:
            v = pt.package[i]
            changed = base is not None and str(base.get(i)) != str(v)
            text = escape(option_cell(iss, v, key if base is None or changed else None))
            if changed:
                text = f"[bold yellow]> {text}[/]"
            cells.append(text)
        rows.append((escape(issue_name(iss)), cells))
    scores = [
        (
            f"{escape(party_label(s, p, with_id=True))} utility (margin)",
            [f"{utility(pt.utilities[p])} ({signed(pt.margins[p])})" for _, pt in columns],
        )
        for p in parties
    ]
    grid = [[h for h, _ in rows + scores]] + [
        [name] + [c[j] for _, c in rows + scores] for j, (name, _) in enumerate(columns)
    ]
    if not fits(width, grid):
        return _stacked(s, title, columns, parties, base=base)
    t = Table(title=title, title_justify="left")
    # each column at least as wide as its longest word: wrapped between words, never cut
    t.add_column("", style="bold", min_width=max(map(longest_word, grid[0])))
    for (name, _), col in zip(columns, grid[1:], strict=True):
        t.add_column(escape(name), min_width=max(map(longest_word, col)))
    for head, cells in rows:
        t.add_row(head, *cells)
    t.add_section()
    for head, cells in scores:
        t.add_row(head, *cells)
    if not key:
        return Group(t)
    return Group(t, options_key(key))


def _stacked(
    s: Scenario,
    title: str,
    columns: Sequence[tuple[str, Point]],
    parties: Sequence[str],
    *,
    base: Mapping[str, object] | None = None,
) -> Group:
    """The packages of :func:`_matrix` one below the other, options in words. Against a
    ``base`` (the draft) each lists only what it changes; otherwise the first is shown in full
    and each other one by the issues on which it differs from the first."""
    out: list[Table | Text] = [Text(f"{title} (stacked: the terminal is narrow)", style="bold")]
    ref = base if base is not None else (dict(columns[0][1].package) if columns else {})
    for j, (name, pt) in enumerate(columns):
        full = base is None and j == 0
        t = Table(title_justify="left")
        t.title = (
            escape(name)
            if full
            else (
                f"{escape(name)}: changes to the draft"
                if base is not None
                else f"{escape(name)}: as {escape(columns[0][0])} except"
            )
        )
        t.add_column("issue", style="bold")
        t.add_column("option")
        for i, v in pt.package.items():
            if not full and str(ref.get(i)) == str(v):
                continue
            iss = s.issue(i)
            t.add_row(escape(issue_name(iss)), escape(option_text(iss, v)))
        if not full and t.row_count == 0:
            t.add_row("(no issue)", "the same package")
        t.add_section()
        for p in parties:
            t.add_row(
                f"{escape(party_label(s, p, with_id=True))} utility (margin)",
                f"{utility(pt.utilities[p])} ({signed(pt.margins[p])})",
            )
        out.append(t)
    return Group(*out)


def _distinct_solutions(a: Analysis) -> list[tuple[list[str], Point]]:
    """Solutions grouped by package: coinciding solutions share one column."""
    groups: list[tuple[list[str], Point]] = []
    for k, v in a.solutions.items():
        if v is None:
            continue
        for names, pt in groups:
            if pt.number == v.number and dict(pt.package) == dict(v.package):
                names.append(k)
                break
        else:
            groups.append(([k], v))
    return groups


def render_analysis(a: Analysis, s: Scenario, console: Console, *, frontier_rows: int = 10) -> None:
    """The zone, the bargaining solutions (with their meaning), frontier and concessions."""
    nash = a.solutions.get("nash")
    parties = list(nash.utilities) if nash else list(a.parties)
    z = a.zone
    size = f"{z.size:,}" if z.size is not None else "unknown"
    if not z.exact and z.interval and z.size is not None:
        size = estimated_count(z.size, *z.interval)
    head = Text()
    head.append(f"{a.title}\n", style="bold")
    head.append(f"packages: {a.outcomes:,}")
    if a.feasible is not None:
        head.append(f"   feasible: {a.feasible:,}")
    head.append(f"   engine: {a.engine}\n")
    head.append("agreement zone: ")
    head.append("exists" if z.exists else "EMPTY", style="bold green" if z.exists else "bold red")
    who = join([party_label(s, p, with_id=True) for p in a.parties]) if a.parties else "nobody"
    head.append(f", {size} package(s) acceptable to {who}")
    console.print(Panel(head, expand=False))
    if z.exists:
        groups = _distinct_solutions(a)
        cols = [(" = ".join(solution(k).short for k in names), pt) for names, pt in groups]
        console.print(_matrix(s, "Bargaining solutions", cols, parties, width=console.width))
        for k in a.solutions:
            if a.solutions[k] is not None:
                sol = solution(k)
                console.print(f"  [bold]{escape(sol.name)}[/]: {escape(sol.meaning)}")
        _frontier(a, s, console, parties, frontier_rows)
    if a.concessions is not None:
        _render_concessions(a, s, console)
    if a.summary:
        console.print(f"[bold]in words:[/] {escape(a.summary)}")
    _notes(console, a.notes)


def _frontier(
    a: Analysis, s: Scenario, console: Console, parties: Sequence[str], rows: int
) -> None:
    """The zone's Pareto frontier: each package, sorted from the best for the first party to
    the best for the last, as its differences from the Nash package (the reference above)."""
    f = a.frontier
    if f.size is None and not (f.limited and f.points):
        return
    pts = sorted(
        f.points, key=lambda pt: (*tuple(-pt.utilities[p] for p in parties), pt.number or 0)
    )
    if len(pts) > rows > 1:  # evenly spaced along the frontier, both ends included
        step = (len(pts) - 1) / (rows - 1)
        shown = [pts[round(j * step)] for j in range(rows)]
    else:
        shown = pts[:rows]
    if f.size is None:  # limited search (many parties): every listed package is on it
        console.print(
            f"Pareto frontier of the zone (LIMITED, size not computed): {len(f.points):,} "
            f"package(s) found among the {f.limit:,} with the largest total utility, first "
            f"{len(shown)} shown (--json lists them)",
            style="italic",
        )
    else:
        more = (
            f", {len(shown)} shown evenly spaced along it (--json lists them all)"
            if f.size > len(shown)
            else ""
        )
        console.print(f"Pareto frontier of the zone: {f.size:,} package(s){more}", style="italic")
    nash = a.solutions.get("nash")
    ref = dict(nash.package) if nash is not None else None
    console.print(
        "[dim]Packages where no party can gain without another losing, sorted by "
        f"{escape(party_label(s, parties[0], with_id=True))}'s utility"
        + (
            "; each is shown by the issues on which it differs from the Nash package.[/]"
            if ref is not None
            else ".[/]"
        )
    )
    heads = ["#", *(escape(party_label(s, p, with_id=True)) for p in parties)]
    heads.append("package" if ref is None else "differs from the Nash package on")
    cells: list[list[str]] = []
    for k, pt in enumerate(shown):
        pkg = dict(pt.package)
        if ref is not None:
            diff = {i: v for i, v in pkg.items() if str(ref.get(i)) != str(v)}
            what = package_text(s, diff) if diff else "nothing: it is the Nash package"
        else:
            what = package_text(s, pkg)
        cells.append([str(k + 1), *(utility(pt.utilities[p]) for p in parties), escape(what)])
    if not fits(console.width, [[h, *(r[j] for r in cells)] for j, h in enumerate(heads)]):
        for r in cells:  # narrow terminal: one paragraph per package, wrapped between words
            scores = ", ".join(f"{h} {u}" for h, u in zip(heads[1:-1], r[1:-1], strict=True))
            console.print(f"{r[0]}. {scores}; {heads[-1]}: {r[-1]}")
        return
    t = Table()
    for j, h in enumerate(heads):
        t.add_column(
            h,
            justify="right" if 0 < j < len(heads) - 1 else "left",
            min_width=max(longest_word(c) for c in [h, *(r[j] for r in cells)]),
        )
    for r in cells:
        t.add_row(*r)
    console.print(t)


def _render_concessions(a: Analysis, s: Scenario, console: Console) -> None:
    c = a.concessions
    assert c is not None
    t = Table(title=f"What would open a zone (engine: {c.engine})", title_justify="left")
    t.add_column("concession", style="bold")
    t.add_column("what it takes", overflow="fold")
    t.add_column("package it opens", overflow="fold")
    rows: list[tuple[list[str], str, str, tuple[object, ...]]] = []
    for kind in ("uniform", "min_sum", "min_max", "red_lines"):
        con: Concession | None = getattr(c, kind)
        name = CONCESSION_KINDS[kind].name
        if con is None:
            why = (
                "impossible: reservations cannot all be met even without red lines"
                if kind == "red_lines"
                else "impossible: red lines and constraints leave no package"
            )
            rows.append(([name], why, "-", (kind,)))
            continue
        key = (tuple(con.point.package.items()), tuple(sorted(con.drops.items())), con.relaxed)
        for r in rows:
            if r[3] == key:
                r[0].append(name)
                break
        else:
            what = concession_takes(s, con) + "".join(f"\n= {u.text}" for u in con.in_units)
            rows.append(([name], what, package_text(s, con.point.package), key))
    for names, what, pkg, _ in rows:
        t.add_row(escape(" =\n".join(names)), escape(what), escape(pkg))
    console.print(t)


# ---------------------------------------------------------------------------- evaluate


def _title(s: Scenario, e: DraftEvaluation) -> str:
    try:
        d = s.draft(e.base or e.name)
    except KeyError:
        d = None
    head = f"What-if: {e.base}" if e.base else f"Draft {e.name}"
    if d is not None and d.label != d.id:
        head += f" ({d.label})"
    if e.edits:
        head += " with " + ", ".join(f"{c.issue}={c.after}" for c in e.edits)
    return head


def _package_table(s: Scenario, e: DraftEvaluation) -> Table:
    t = Table(title=_title(s, e), title_justify="left")
    t.add_column("issue", style="bold", overflow="fold")
    t.add_column("option", overflow="fold")
    edited = {c.issue: c for c in e.edits}
    for iss in s.issues:
        v = e.point.package[iss.id]
        cell = escape(option_text(iss, v))
        if iss.id in edited:
            was = escape(option_text(iss, edited[iss.id].before))
            cell = f"[bold yellow]{cell}[/] (edited; was {was})"
        t.add_row(escape(issue_name(iss)), cell)
    return t


def _broken_lines(s: Scenario, e: DraftEvaluation) -> list[str]:
    out = []
    for p, rules in e.broken.items():
        for r in rules:
            words = escape(red_line_words(s, p, r))
            out.append(f"  [red]x[/] {escape(possessive(party_label(s, p)))} red line: {words}")
    for c in e.violated:
        out.append(f"  [red]x[/] the scenario rule: {escape(red_line_words(s, None, c))}")
    return out


def _zone_lines(e: DraftEvaluation, *, top: int = 3) -> list[str]:
    if e.in_zone:
        return ["in the agreement zone: [green]yes[/]"]
    path: ZonePath | None = e.zone_path
    if path is None:
        if e.zone_distance is None:
            return ["in the agreement zone: [red]no[/] (the agreement zone is empty)"]
        return [f"in the agreement zone: [red]no[/]; {e.zone_distance} issue change(s) reach it"]
    n = path.distance
    alt = ""
    if path.alternatives is not None and path.alternatives > 1:
        alt = f"; one of {path.alternatives:,} such packages, the one best for the worst-off"
    out = [
        f"in the agreement zone: [red]no[/]; the fewest changes that reach it: {n} issue(s){alt}"
    ]
    out += [f"  -> {escape(change_text(c))}" for c in path.changes]
    out.append(
        f"  (that package leaves each party that must agree {path.min_margin:+.3f} "
        "or more over its reservation)"
    )
    return out


def render_evaluation(e: DraftEvaluation, s: Scenario, console: Console) -> None:
    """A draft: its package, each party's utility and red lines, the way into the zone."""
    console.print(_package_table(s, e))
    t = Table(title="Per party", title_justify="left")
    t.add_column("party", style="bold")
    t.add_column("utility", justify="right")
    t.add_column("margin", justify="right")
    t.add_column("acceptable")
    t.add_column("red lines broken", overflow="fold")
    for p, u in e.point.utilities.items():
        ok = "[green]yes[/]" if e.acceptable[p] else "[red]no[/]"
        t.add_row(
            escape(party_label(s, p, with_id=True)),
            f"{u:.3f}",
            f"{e.point.margins[p]:+.3f}",
            ok,
            "; ".join(escape(red_line_words(s, p, r)) for r in e.broken[p]),
        )
    console.print(t)
    lines = []
    broken = _broken_lines(s, e)
    if broken:
        lines.append("breaks:")
        lines += broken
    lines += _zone_lines(e)
    dom = "[yellow]yes[/]" if e.dominated else "no"
    n = e.improvement_count
    count = f" ({n:,} Pareto improvement{'s' if n != 1 else ''})" if n else ""
    lines.append(f"Pareto-dominated: {dom}{count}")
    if e.nash is not None and e.nash_distance is not None:
        n = int(e.nash_distance["issues"])
        diff = {i: v for i, v in e.nash.package.items() if str(e.point.package.get(i)) != str(v)}
        lines.append(
            "distance to the Nash package (the zone's Nash bargaining solution, see "
            "`zopa analyze`): "
            f"it differs on {plural(n, 'issue')}"
            + (f" ({escape(package_text(s, diff))} there)" if diff else "")
            + f"; the parties' utilities are {utility(e.nash_distance['utility'])} apart "
            "(straight-line distance between the two lists of utilities)"
        )
    for x in lines:
        console.print(x)
    if e.improvements:
        parties = list(e.point.utilities)
        console.print(
            _matrix(
                s,
                "Best Pareto improvements (nobody loses, someone gains; > marks a change)",
                [(f"#{k + 1}", p) for k, p in enumerate(e.improvements)],
                parties,
                base=e.point.package,
                width=console.width,
            )
        )
    if e.summary:
        console.print(f"[bold]in words:[/] {escape(e.summary)}")
    _notes(console, e.notes)


# ---------------------------------------------------------------------------- compare


def _distance_lines(label: str, e: DraftEvaluation) -> list[str]:
    short = e.shortfall()
    broken = sum(len(v) for v in e.broken.values())
    changes: Sequence[IssueChange] = ()
    if e.in_zone:
        where = "in the zone"
    elif e.zone_path is not None:
        where = f"{e.zone_path.distance} issue change(s) from the zone"
        changes = e.zone_path.changes
    elif e.zone_distance is not None:
        where = f"{e.zone_distance} issue change(s) from the zone"
    else:
        where = "no zone"
    head = f"{label}: {where}; reservation shortfall {short:.3f}; red lines broken {broken}"
    return [escape(head)] + [f"  -> {escape(change_text(c, labels=False))}" for c in changes]


def render_comparison(c: Comparison, s: Scenario, console: Console) -> None:
    """What changed between two drafts, who gains, and how far each is from the zone."""
    names = (
        draft_label(s, c.before.name, with_id=True),
        draft_label(s, c.after.name, with_id=True),
    )
    t = Table(title=escape(" -> ".join(names)), title_justify="left")
    t.add_column("issue", style="bold", overflow="fold")
    t.add_column("from", overflow="fold")
    t.add_column("to", overflow="fold")
    for i, a, b in c.changed:
        iss = s.issue(i)
        t.add_row(escape(issue_name(iss)), escape(option_text(iss, a)), escape(option_text(iss, b)))
    console.print(t)
    g = Table(title="Per party", title_justify="left")
    g.add_column("party", style="bold")
    for col in ("before", "after", "gain", "acceptable before", "after "):
        g.add_column(col, justify="right")
    for p, gain in c.gains.items():
        style = "green" if gain > 1e-9 else "red" if gain < -1e-9 else "dim"
        g.add_row(
            escape(party_label(s, p, with_id=True)),
            f"{c.before.point.utilities[p]:.3f}",
            f"{c.after.point.utilities[p]:.3f}",
            f"[{style}]{gain:+.3f}[/]",
            "yes" if c.before.acceptable[p] else "no",
            "yes" if c.after.acceptable[p] else "no",
        )
    console.print(g)
    for label, e in (("before", c.before), ("after", c.after)):
        for x in _distance_lines(label, e):
            console.print(x)
        for x in _broken_lines(s, e):
            console.print(x)
    console.print(f"[bold]verdict:[/] {escape(c.verdict)}")
    _notes(console, c.after.notes)
