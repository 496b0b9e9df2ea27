"""Rendering a :class:`~zopa.robust.RobustAnalysis`: Rich tables and the tornado chart."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from zopa.model.uncertainty import RedLine
from zopa.report.tornado import tornado_figure  # the chart is drawn there (one drawing)
from zopa.robust.analysis import Odds, RobustAnalysis
from zopa.vocab import (
    amount,
    draft_label,
    evidence_words,
    interval,
    join,
    parameter_in_words,
    party_label,
    percent,
    points,
    red_line_words,
    signed,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from zopa.model.scenario import Scenario
    from zopa.robust.params import Parameter

__all__ = [
    "box_in_words",
    "odds_words",
    "packages_sentence",
    "prim_figure",
    "render_drafts",
    "render_evidence",
    "render_global",
    "render_packages",
    "render_prim",
    "render_quick_sensitivity",
    "render_robust",
    "robust_json",
    "sensitivity_figure",
    "sensitivity_sentences",
    "tornado_figure",
]


def odds_words(o: Odds) -> str:
    """A probability with its 95% interval (or "exact"), in :mod:`zopa.vocab`'s one percentage
    and one interval: ``2.6% [1.5%, 4.6%]``; none of the kept samples reads
    ``0.0% [0.0%, 0.9%]``, as a 0% reads everywhere. The interval is clipped to [0, 1] and
    holds the estimate: never a lower bound shown above it from an interval's arithmetic.
    """
    p = o.probability
    if p is None:
        return "n/a"
    if o.exact:
        return f"{percent(p)} (exact: no uncertainty)"
    return _share(p, o.ci95)


def _p(x: float | None) -> str:
    return percent(x)


def _clipped(x: float, ci: tuple[float, float] | None) -> tuple[float, float, float]:
    """A share and its 95% interval clipped to [0, 1], the interval holding the share."""
    lo, hi = ci or (x, x)
    v, lo, hi = (0.0 if y <= 1e-12 else 1.0 if y >= 1 - 1e-12 else y for y in (x, lo, hi))
    return v, min(lo, v), max(hi, v)


def _share(x: float, ci: tuple[float, float] | None) -> str:
    """A share with its 95% interval: ``18.2% [11.0%, 27.5%]``."""
    v, lo, hi = _clipped(x, ci)
    return f"{percent(v)} {interval(lo, hi)}"


def _number(x: float) -> str:
    """A parameter's value (a weight, a utility) in :mod:`zopa.vocab`'s numbers, three
    significant digits: ``0.689``, ``1,250``."""
    return amount(float(f"{x:.3g}"))


def _party(scenario: Scenario | None, party: str) -> str:
    return party if scenario is None else party_label(scenario, party)


def _draft(scenario: Scenario | None, draft: str) -> str:
    return draft if scenario is None else draft_label(scenario, draft)


def render_robust(
    r: RobustAnalysis,
    con: Console,
    *,
    sensitivity_rows: int = 10,
    package_columns: int = 4,
    scenario: Scenario | None = None,
) -> None:
    """The robustness answer as terminal tables (probabilities with 95% Wilson intervals): the
    counts, the zone, then one part per answer the result holds, in this order."""
    con.print(f"[bold]{escape(r.title)}[/] - robustness under uncertainty")
    con.print(
        f"{r.samples:,} samples (seed {r.seed})"
        + (f", {r.kept:,} kept by the evidence" if r.evidence else "")
        + (
            f" (effective sample size {r.effective_samples:,.0f}: soft evidence weighs them)"
            if r.effective_samples is not None
            else ""
        )
        + f"; gating parties: {escape(join(_party(scenario, p) for p in r.parties))}"
    )
    con.print(escape(packages_sentence(r)))
    for w in r.warnings:
        con.print(f"[bold yellow]warning:[/] {escape(w)}")
    con.print(f"[bold]P(an agreement zone exists)[/] = {odds_words(r.zone)}")
    render_drafts(r, con, scenario)
    render_packages(r, con, columns=package_columns, scenario=scenario)
    render_global(r, con, scenario)
    render_prim(r, con, scenario)
    render_quick_sensitivity(r, con, rows=sensitivity_rows, scenario=scenario)
    render_evidence(r, con, scenario)
    for n in r.notes:
        con.print(f"note: {escape(n)}")


def render_drafts(r: RobustAnalysis, con: Console, scenario: Scenario | None = None) -> None:
    """Each draft's probability of acceptance, per gating party and by all of them (drafts and
    parties by label with the scenario, by id without)."""
    if not r.drafts:
        return
    parties = list(next(iter(r.drafts.values())).parties)
    t = Table(title="Drafts: probability of acceptance", title_justify="left")
    t.add_column("draft", style="bold")
    for p in parties:
        t.add_column(escape(_party(scenario, p)), justify="right")
    t.add_column("all gating", justify="right")
    for name, d in r.drafts.items():
        cells = [_p(d.parties[p].probability) for p in parties]
        t.add_row(
            escape(_draft(scenario, name)),
            *cells,
            odds_words(d.all) + ("" if d.feasible else " (infeasible)"),
        )
    con.print(t)


def render_packages(
    r: RobustAnalysis, con: Console, *, columns: int = 4, scenario: Scenario | None = None
) -> None:
    """The most robust packages side by side, then what excludes the most robust one. With
    the scenario, issues and options read as in ``zopa analyze`` (``Label (id)``, option ids
    with a key of their labels below, numbers in the issue's unit), parties and red lines in
    words."""
    rp = r.robust_package
    if rp is None:
        return
    cols = (rp, *r.next_packages)[:columns]
    t = Table(
        title="Most robust packages (most often acceptable to every gating party)",
        title_justify="left",
    )
    t.add_column("", style="bold")
    for k in range(len(cols)):
        t.add_column("robust" if k == 0 else f"#{k + 1}", overflow="fold")
    key: dict[str, str] = {}
    for issue in rp.package:
        if scenario is None:
            t.add_row(escape(issue), *(escape(str(pk.package[issue])) for pk in cols))
            continue
        from zopa.report.tables import issue_name, option_cell

        iss = scenario.issue(issue)
        cells = (escape(option_cell(iss, pk.package[issue], key)) for pk in cols)
        t.add_row(escape(issue_name(iss)), *cells)
    t.add_section()
    t.add_row("P(all accept)", *(_p(pk.odds.probability) for pk in cols))
    t.add_row(
        "95% interval",
        *(interval(*_clipped(pk.odds.probability or 0.0, pk.odds.ci95)[1:]) for pk in cols),
    )
    t.add_row("mean min margin", *(signed(pk.mean_margin) for pk in cols))
    con.print(t)
    if key:
        from zopa.report.tables import options_key

        con.print(options_key(key))
    t = Table(
        title="What excludes the robust package (share of kept samples)", title_justify="left"
    )
    t.add_column("party", style="bold")
    t.add_column("reservation", justify="right")
    t.add_column("red lines", overflow="fold")
    for party, ex in rp.exclusions.items():
        reds = (
            "; ".join(
                f"{escape(k if scenario is None else red_line_words(scenario, party, k))}: {_p(v)}"
                for k, v in ex.red_lines.items()
            )
            or "-"
        )
        t.add_row(escape(_party(scenario, party)), _p(ex.reservation), reds)
    con.print(t)


def render_quick_sensitivity(
    r: RobustAnalysis, con: Console, *, rows: int = 10, scenario: Scenario | None = None
) -> None:
    """The one-at-a-time sensitivity: P(zone) with each parameter at each end, widest first;
    parameters in words with the scenario (as the tornado chart), their code names without."""
    if not r.sensitivity:
        return
    t = Table(
        title="Sensitivity, quick view (one at a time): P(zone) with one parameter at each "
        f"end of its range ({r.sensitivity_samples:,} samples each, the others drawn); "
        "widest first. It cannot see interactions: see --sensitivity sobol|shapley",
        title_justify="left",
    )
    t.add_column("parameter", style="bold", overflow="fold")
    t.add_column("range", justify="right")
    t.add_column("at low", justify="right")
    t.add_column("at high", justify="right")
    t.add_column("swing", justify="right")
    for s in r.sensitivity[:rows]:
        prm = s.parameter
        t.add_row(
            escape(_name(scenario, prm)),
            _whole_range(prm),
            _p(s.low.probability),
            _p(s.high.probability),
            "n/a (an end keeps no sample)" if s.width is None else points(s.width),
        )
    con.print(t)
    if len(r.sensitivity) > rows:
        con.print(f"({len(r.sensitivity) - rows} more parameters in --json)")


def render_evidence(r: RobustAnalysis, con: Console, scenario: Scenario | None = None) -> None:
    """Each evidence statement (in words with the scenario) and the share of drawn samples in
    which it holds."""
    if not r.evidence:
        return
    items = scenario.evidence if scenario is not None else ()
    words = (
        [evidence_words(scenario, e.party, e.kind, e.draft, e.over, e.confidence) for e in items]
        if scenario is not None and len(items) == len(r.evidence)
        else [desc for desc, _, _ in r.evidence]
    )
    t = Table(title="Evidence (share of drawn samples in which it holds)", title_justify="left")
    t.add_column("statement", style="bold")
    t.add_column("holds", justify="right")
    t.add_column("source", overflow="fold")
    for desc, (_, src, holds) in zip(words, r.evidence, strict=True):
        t.add_row(escape(desc), _p(holds), escape(src))
    con.print(t)


def _whole_range(prm: Parameter) -> str:
    """A parameter's range in a table cell: ``0.3 .. 0.9``, or ``absent / present``."""
    if isinstance(prm.target, RedLine):
        return "absent / present"
    return f"{_number(prm.low)} .. {_number(prm.high)}"


# ------------------------------------------------------------------------------ global


def output_in_words(output: str, scenario: Scenario | None = None) -> str:
    """What an output of the global sensitivity measures, in words."""
    if output == "zone":
        return "whether an agreement zone exists"
    if output == "margin":
        return "the best package's smallest margin"
    return f"whether every gating party accepts “{_draft(scenario, output.removeprefix('draft:'))}”"


def _name(scenario: Scenario | None, prm: Parameter) -> str:
    return prm.name if scenario is None else parameter_in_words(scenario, prm)


def sensitivity_sentences(r: RobustAnalysis, scenario: Scenario | None = None) -> list[str]:
    """One sentence per parameter of the global sensitivity, largest share first."""
    g = r.global_sensitivity
    if g is None:
        return []
    what = output_in_words(g.output, scenario)
    out = []
    for i in g.indices:
        who = _name(scenario, i.parameter)
        if i.effect is not None:
            out.append(
                f"{who} accounts for {_share(i.effect, i.effect_ci)} of the uncertainty in {what}."
            )
        else:
            out.append(
                f"{who} alone explains {_share(i.first_order or 0.0, i.first_order_ci)} of the "
                f"uncertainty in {what}; with its interactions, "
                f"{_share(i.total or 0.0, i.total_ci)}."
            )
    return out


def render_global(r: RobustAnalysis, con: Console, scenario: Scenario | None = None) -> None:
    """The Sobol indices or Shapley effects as a table, then the top ones in words."""
    g = r.global_sensitivity
    if g is None:
        return
    what = output_in_words(g.output, scenario)
    if g.method == "sobol":
        title = (
            f"Global sensitivity of {what} (Sobol indices, {g.runs:,} runs; share of the "
            "variance with 95% bootstrap intervals)"
        )
    else:
        title = (
            f"Global sensitivity of {what} (Shapley effects on {g.runs:,} kept samples, "
            f"the evidence's dependence included; shares summing to {percent(1.0)}, 95% bootstrap "
            "intervals)"
        )
    t = Table(title=title, title_justify="left")
    t.add_column("parameter", style="bold", overflow="fold")
    if g.method == "sobol":
        t.add_column("alone (first order)", justify="right")
        t.add_column("with interactions (total)", justify="right")
    else:
        t.add_column("Shapley effect", justify="right")
    for i in g.indices:
        cells = (
            [_share(i.first_order or 0.0, i.first_order_ci), _share(i.total or 0.0, i.total_ci)]
            if g.method == "sobol"
            else [_share(i.effect or 0.0, i.effect_ci)]
        )
        t.add_row(escape(_name(scenario, i.parameter)), *cells)
    con.print(t)
    for sentence in sensitivity_sentences(r, scenario)[:3]:
        con.print(escape(sentence))
    for n in g.notes:
        con.print(f"note: {escape(n)}")


def sensitivity_figure(
    r: RobustAnalysis, *, scenario: Scenario | None = None, rows: int = 15
) -> Figure:
    """Bars of the Sobol indices (first order and total) or Shapley effects, with intervals."""
    from matplotlib.figure import Figure

    g = r.global_sensitivity
    assert g is not None
    data = list(g.indices[:rows])[::-1]
    names = [textwrap.fill(_name(scenario, i.parameter), 60) for i in data]
    fig = Figure(
        figsize=(
            6 + 0.065 * min(60, max((len(n) for n in names), default=10)),
            0.5 * len(data) + 1.6,
        ),
        layout="constrained",
    )
    ax = fig.add_subplot()
    ys = np.arange(len(data))

    def bars(
        vals: list[float], cis: list[tuple[float, float]], off: float, colour: str, label: str
    ) -> None:
        v = np.clip(vals, 0, 1)
        err = np.array(
            [[max(0.0, x - lo), max(0.0, hi - x)] for x, (lo, hi) in zip(v, cis, strict=True)]
        ).T
        ax.barh(ys + off, v, height=0.38 if off else 0.6, color=colour, label=label)
        ax.errorbar(v, ys + off, xerr=err, fmt="none", ecolor="black", elinewidth=0.8, capsize=2)

    if g.method == "sobol":
        bars(
            [i.first_order or 0.0 for i in data],
            [i.first_order_ci or (0, 0) for i in data],
            -0.2,
            "#4C72B0",
            "alone (first order)",
        )
        bars(
            [i.total or 0.0 for i in data],
            [i.total_ci or (0, 0) for i in data],
            0.2,
            "#DD8452",
            "with interactions (total)",
        )
        ax.legend(loc="lower right", fontsize=8)
    else:
        bars(
            [i.effect or 0.0 for i in data],
            [i.effect_ci or (0, 0) for i in data],
            0.0,
            "#55A868",
            "Shapley effect",
        )
    ax.set_yticks(ys, names, fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the uncertainty explained (95% bootstrap interval)")
    method = "Sobol indices" if g.method == "sobol" else "Shapley effects (evidence included)"
    ax.set_title(
        f"What explains the uncertainty in {output_in_words(g.output, scenario)}\n({method})",
        fontsize=10,
    )
    return fig


# ------------------------------------------------------------------------------ PRIM


def _limit_in_words(scenario: Scenario | None, prm: Parameter, lo: float, hi: float) -> str:
    who = _name(scenario, prm)
    if isinstance(prm.target, RedLine):
        return f"{who}: {'no' if hi < 0.5 else 'yes'}"
    # a limit that reads as the range's own end ("at least 0.3" of a range from 0.3: the box
    # stops at the first sample above it) says nothing; it is left out unless it is all there is
    ends = [("at least", lo, prm.low, lo > prm.low), ("at most", hi, prm.high, hi < prm.high)]
    moved = [(word, x) for word, x, _, inside in ends if inside]
    shown = [(word, x) for word, x, end, inside in ends if inside and _number(x) != _number(end)]
    parts = [f"{word} {_number(x)}" for word, x in shown or moved]
    return f"{who} {' and '.join(parts)} (range {_number(prm.low)} to {_number(prm.high)})"


def box_in_words(r: RobustAnalysis, scenario: Scenario | None = None) -> str:
    """The chosen PRIM box as one sentence."""
    p = r.prim
    if p is None or not p.boxes:
        return ""
    b = p.boxes[0]
    if not b.limits:
        return (
            f"No box improves on the whole space: a zone exists in {percent(p.base_density)} "
            "of the kept samples wherever the parameters lie."
        )
    where = "; ".join(_limit_in_words(scenario, prm, lo, hi) for prm, lo, hi in b.limits)
    return (
        f"A zone exists in {percent(b.density)} of the samples where {where} "
        f"(against {percent(p.base_density)} overall; the box holds "
        f"{percent(b.support)} of the samples and {percent(b.coverage)} of all samples "
        "with a zone)."
    )


def render_prim(r: RobustAnalysis, con: Console, scenario: Scenario | None = None) -> None:
    """The chosen PRIM box as a table and in words."""
    p = r.prim
    if p is None or not p.boxes:
        return
    b = p.boxes[0]
    t = Table(
        title=f"Where the zone lives (PRIM box, step {p.chosen} of {len(p.trajectory) - 1} of "
        f"the peeling; density {percent(b.density)}, coverage {percent(b.coverage)})",
        title_justify="left",
    )
    t.add_column("parameter", style="bold", overflow="fold")
    t.add_column("in the box", justify="right")
    t.add_column("whole range", justify="right")
    for prm, lo, hi in b.limits:
        inside = (
            ("present" if lo > 0.5 else "absent")
            if isinstance(prm.target, RedLine)
            else f"{_number(lo)} .. {_number(hi)}"
        )
        t.add_row(escape(_name(scenario, prm)), inside, _whole_range(prm))
    con.print(t)
    con.print(escape(box_in_words(r, scenario)))


def prim_figure(r: RobustAnalysis, *, scenario: Scenario | None = None) -> Figure:
    """The peeling trajectory: coverage against density, the chosen box marked."""
    from matplotlib.figure import Figure

    p = r.prim
    assert p is not None
    fig = Figure(figsize=(6.4, 4.6), layout="constrained")
    ax = fig.add_subplot()
    cov = [b.coverage for b in p.trajectory]
    den = [b.density for b in p.trajectory]
    sc = ax.scatter(
        cov, den, c=[len(b.limits) for b in p.trajectory], cmap="viridis", s=22, zorder=3
    )
    ax.plot(cov, den, color="grey", linewidth=0.8, zorder=2)
    c = p.boxes[0]
    ax.scatter(
        [c.coverage],
        [c.density],
        s=140,
        facecolors="none",
        edgecolors="red",
        linewidths=1.6,
        zorder=4,
        label="chosen box",
    )
    ax.axvline(p.min_coverage, color="red", linestyle=":", linewidth=0.8)
    ax.set_xlabel("coverage: share of all samples with a zone inside the box")
    ax.set_ylabel("density: share of the box's samples with a zone")
    ax.set_xlim(0, 1.02)
    ax.set_title("PRIM peeling trajectory (each dot a box; start at coverage 1)", fontsize=10)
    bar = fig.colorbar(sc, ax=ax, label="parameters restricted")
    from matplotlib.ticker import MaxNLocator

    bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="lower left", fontsize=8)
    return fig


def packages_sentence(r: RobustAnalysis) -> str:
    """How many packages each sample solves, and why not the whole space (as analyze counts)."""
    cand = r.candidates
    before = cand + r.pruned
    return (
        f"{r.outcomes:,} packages, {r.space:,} within the scenario constraints; "
        f"{before:,} of them break no certain red line of a gating party, and "
        f"{r.pruned:,} of those no draw of the unknowns can make acceptable to every gating "
        f"party: {cand:,} packages solved exactly in each sample (the others are outside the "
        "zone in every sample)."
    )


def robust_json(r: RobustAnalysis, scenario: Scenario) -> dict[str, object]:
    """``zopa robust --json``: the result's dict with the sentences in words added."""
    out = r.to_dict()
    sens = out.get("sensitivity")
    if isinstance(sens, dict) and r.global_sensitivity is not None:
        for row, sentence in zip(sens["indices"], sensitivity_sentences(r, scenario), strict=True):
            row["in_words"] = sentence
    prim_d = out.get("prim")
    if isinstance(prim_d, dict) and prim_d.get("boxes"):
        prim_d["boxes"][0]["in_words"] = box_in_words(r, scenario)
    out["packages"] = {**r.to_dict()["packages"], "in_words": packages_sentence(r)}
    return out
