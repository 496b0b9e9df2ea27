"""Rendering a :class:`~zopa.robust.RobustAnalysis`: Rich tables and the tornado chart."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from zopa.robust.analysis import Odds, RobustAnalysis
from zopa.vocab import interval, percent

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from zopa.model.scenario import Scenario

__all__ = ["render_robust", "tornado_figure"]


def _odds(o: Odds) -> str:
    """A probability with its 95% interval (or "exact"), in :mod:`zopa.vocab`'s percentages."""
    p = o.probability
    if p is None:
        return "n/a"
    if o.exact:
        return f"{percent(p)} (exact: no uncertainty)"
    return f"{percent(p)} {interval(*o.ci95)}"


def render_robust(
    r: RobustAnalysis, con: Console, *, sensitivity_rows: int = 10, package_columns: int = 4
) -> None:
    """The robustness answer as terminal tables (probabilities with 95% Wilson intervals)."""
    con.print(f"[bold]{escape(r.title)}[/] - robustness under uncertainty")
    con.print(
        f"{r.samples:,} samples (seed {r.seed})"
        + (f", {r.kept:,} kept by the evidence; " if r.evidence else "; ")
        + f"{r.candidates:,} packages solved exactly in each sample; "
        f"gating parties: {escape(', '.join(r.parties))}"
    )
    for w in r.warnings:
        con.print(f"[bold yellow]warning:[/] {escape(w)}")
    con.print(f"[bold]P(an agreement zone exists)[/] = {_odds(r.zone)}")
    if r.drafts:
        parties = list(next(iter(r.drafts.values())).parties)
        t = Table(title="Drafts: probability of acceptance", title_justify="left")
        t.add_column("draft", style="bold")
        for p in parties:
            t.add_column(escape(p), justify="right")
        t.add_column("all gating", justify="right")
        for name, d in r.drafts.items():
            cells = [percent(d.parties[p].probability) for p in parties]
            t.add_row(escape(name), *cells, _odds(d.all) + ("" if d.feasible else " (infeasible)"))
        con.print(t)
    if r.robust_package is not None:
        rp = r.robust_package
        cols = (rp, *r.next_packages)[:package_columns]
        t = Table(
            title="Most robust packages (most often acceptable to every gating party)",
            title_justify="left",
        )
        t.add_column("", style="bold")
        for k in range(len(cols)):
            t.add_column("robust" if k == 0 else f"#{k + 1}", overflow="fold")
        for issue in rp.package:
            t.add_row(escape(issue), *(escape(str(pk.package[issue])) for pk in cols))
        t.add_section()
        t.add_row("P(all accept)", *(percent(pk.odds.probability) for pk in cols))
        t.add_row(
            "95% interval",
            *(interval(*pk.odds.ci95) for pk in cols),
        )
        t.add_row("mean min margin", *(f"{pk.mean_margin:+.3f}" for pk in cols))
        con.print(t)
        t = Table(
            title="What excludes the robust package (share of kept samples)", title_justify="left"
        )
        t.add_column("party", style="bold")
        t.add_column("reservation", justify="right")
        t.add_column("red lines", overflow="fold")
        for party, ex in rp.exclusions.items():
            reds = "; ".join(f"{escape(k)}: {percent(v)}" for k, v in ex.red_lines.items()) or "-"
            t.add_row(escape(party), percent(ex.reservation), reds)
        con.print(t)
    if r.sensitivity:
        t = Table(
            title=f"Sensitivity of P(zone), one parameter at a time at each end of its range "
            f"({r.sensitivity_samples:,} samples each, the others drawn); widest first",
            title_justify="left",
        )
        t.add_column("parameter", style="bold")
        t.add_column("range", justify="right")
        t.add_column("at low", justify="right")
        t.add_column("at high", justify="right")
        t.add_column("swing", justify="right")
        for s in r.sensitivity[:sensitivity_rows]:
            prm = s.parameter
            rng = "absent / present" if prm.kind == "red_line" else f"{prm.low:g} .. {prm.high:g}"
            t.add_row(
                escape(prm.name),
                rng,
                percent(s.low.probability),
                percent(s.high.probability),
                f"{100 * s.width:.1f}",
            )
        con.print(t)
        if len(r.sensitivity) > sensitivity_rows:
            con.print(f"({len(r.sensitivity) - sensitivity_rows} more parameters in --json)")
    if r.evidence:
        t = Table(title="Evidence (share of drawn samples in which it holds)", title_justify="left")
        t.add_column("statement", style="bold")
        t.add_column("holds", justify="right")
        t.add_column("source", overflow="fold")
        for desc, src, holds in r.evidence:
            t.add_row(escape(desc), percent(holds), escape(src))
        con.print(t)
    for n in r.notes:
        con.print(f"note: {escape(n)}")


def tornado_figure(
    r: RobustAnalysis, *, rows: int = 15, scenario: Scenario | None = None
) -> Figure:
    """The tornado chart of the sensitivity: P(zone) at each end of every parameter's range.

    Widest swing on top; a vertical line at the overall probability. With ``scenario`` each
    parameter is named in words with labels (``Russia: weight of NATO membership``), else by
    its id. Object-oriented matplotlib (no pyplot state, no backend switch).
    """
    from matplotlib.figure import Figure

    data = [
        s
        for s in r.sensitivity[:rows]
        if s.low.probability is not None or s.high.probability is not None
    ]
    base = r.zone.probability
    if scenario is not None:
        from zopa.vocab import parameter_in_words

        names = [parameter_in_words(scenario, s.parameter) for s in data][::-1]
    else:
        names = [s.parameter.name for s in data][::-1]
    names = [n if len(n) <= 60 else n[:59] + "…" for n in names]  # the tables say it whole
    label_width = 0.065 * max((len(n) for n in names), default=10)  # inches at 8 pt
    fig = Figure(figsize=(6 + label_width, 0.45 * max(3, len(data)) + 1.4), layout="constrained")
    ax = fig.add_subplot()
    for y, s in enumerate(data[::-1]):
        lo = s.low.probability
        hi = s.high.probability
        ref = base if base is not None else 0.0
        if lo is not None:
            ax.barh(
                y,
                lo - ref,
                left=ref,
                color="#4C72B0",
                height=0.6,
                label="at low end" if y == 0 else None,
            )
        if hi is not None:
            ax.barh(
                y,
                hi - ref,
                left=ref,
                color="#DD8452",
                height=0.6,
                alpha=0.85,
                label="at high end" if y == 0 else None,
            )
    if base is not None:
        ax.axvline(base, color="black", linewidth=1)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ends = [p for s in data for p in (s.low.probability, s.high.probability) if p is not None]
    if base is not None:
        ends.append(base)
    left = max(0.0, math.floor((min(ends, default=0.0) - 0.05) * 10) / 10)
    ax.set_xlim(left, 1)
    ax.set_xlabel("probability that an agreement zone exists")
    ax.set_title(
        f"Sensitivity of the zone probability ({r.sensitivity_samples:,} samples per end)",
        fontsize=10,
    )
    if data:
        ax.legend(loc="lower right", fontsize=8)
    else:
        ax.text(
            0.5, 0.5, "no uncertain parameters", ha="center", va="center", transform=ax.transAxes
        )
    return fig
