"""Rendering a :class:`~zopa.robust.RobustAnalysis`: Rich tables and the tornado chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from zopa.report.tornado import tornado_figure  # the chart is drawn there (one drawing)
from zopa.robust.analysis import Odds, RobustAnalysis
from zopa.vocab import interval, percent

if TYPE_CHECKING:
    pass

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
