"""Rendering a :class:`~zopa.robust.track.Track`: the timeline table, "what changed since",
and the chart of the odds over time with each report marked."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from zopa.report.robust import odds_words
from zopa.vocab import draft_label, parameter_in_words, percent, points

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from zopa.model.scenario import Scenario
    from zopa.robust.track import Track

__all__ = ["changes_since", "parameter_words", "render_track", "track_figure"]


def _p(x: float | None) -> str:
    return percent(x)


def parameter_words(scenario: Scenario | None, name: str) -> str:
    """An uncertain parameter of the tracked scenario in words (``Russia: reservation``); its
    id when the scenario is not given or no longer has it."""
    if scenario is None:
        return name
    from zopa.robust import parameters

    found = next((p for p in parameters(scenario) if p.name == name), None)
    return name if found is None else parameter_in_words(scenario, found)


def render_track(
    t: Track, con: Console, *, since: str | None = None, scenario: Scenario | None = None
) -> None:
    """The timeline as a table, then what changed since ``since`` (default: the first step)."""
    con.print(f"[bold]{escape(t.title)}[/] - the odds over time")
    con.print(
        f"{t.samples:,} samples (seed {t.seed}) at every step: the same draws, so the odds move "
        "only with the evidence"
        + (f"; {t.rejected} log item(s) rejected in review, not counted" if t.rejected else "")
    )
    drafts = list(t.steps[0].drafts) if t.steps else []
    tab = Table(title="Timeline (accepted evidence known by each date)", title_justify="left")
    tab.add_column("date", style="bold", no_wrap=True)
    tab.add_column("report / source", overflow="fold", ratio=2)
    tab.add_column("new evidence", overflow="fold", ratio=3)
    tab.add_column("P(zone) [95%]", justify="right")
    for d in drafts:
        name = d if scenario is None else draft_label(scenario, d)
        tab.add_column(f"all accept {escape(name)}", justify="right")
    for s in t.steps:
        tab.add_row(
            s.date,
            escape("; ".join(s.source)) or "-",
            escape("; ".join(s.evidence_words or s.evidence)) or "-",
            odds_words(s.zone),
            *(_p(s.drafts[d].probability) for d in drafts),
        )
    con.print(tab)
    for line in changes_since(t, since or t.steps[0].date, scenario=scenario):
        con.print(escape(line))


def changes_since(t: Track, date: str, *, scenario: Scenario | None = None) -> list[str]:
    """'What changed since DATE': the evidence that arrived, how each probability moved, and
    which unknown matters most now (drafts and parameters in words when ``scenario`` is
    given, by id otherwise)."""
    a, b = t.since(date)
    out = [f"What changed since {date} (the odds of {a.date} against those of {b.date}):"]
    new = [
        e for s in t.steps if a.date < s.date <= b.date for e in (s.evidence_words or s.evidence)
    ]
    out.append("  evidence that arrived: " + ("; ".join(new) if new else "none"))

    def move(name: str, x: float | None, y: float | None) -> str:
        if x is None or y is None:
            return f"  {name}: {_p(x)} -> {_p(y)}"
        pts = 100 * (y - x)
        if _p(x) == _p(y):
            word = "unchanged"
        else:  # the two shown figures differ: never say "unchanged" or "0.0 points"
            size = f"{abs(pts):.1f}" if abs(pts) >= 0.05 else "less than 0.1"
            word = f"{'up' if pts > 0 else 'down'} {size} points"
        return f"  {name}: {_p(x)} -> {_p(y)} ({word})"

    out.append(move("P(an agreement zone exists)", a.zone.probability, b.zone.probability))
    for d in b.drafts:
        name = d if scenario is None else draft_label(scenario, d)
        out.append(
            move(
                f"P(every gating party accepts {name})",
                a.drafts[d].probability,
                b.drafts[d].probability,
            )
        )
    now = t.matters.get(b.date)
    then = t.matters.get(a.date)
    if now is not None:
        line = (
            f"  matters most now (one-at-a-time swing): {parameter_words(scenario, now[0])} "
            f"({points(now[1])})"
        )
        if then is not None and then[0] != now[0]:
            line += f"; on {a.date} it was {parameter_words(scenario, then[0])}"
        out.append(line)
    return out


def track_figure(t: Track, *, scenario: Scenario | None = None) -> Figure:
    """P(zone) with its 95% band and each draft's P(all accept) by date; reports marked."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.5, 4.8), layout="constrained")
    ax = fig.add_subplot()
    steps = [*t.steps, t.steps[-1]]  # the last value held for a day, so it is drawn
    days: Any = [dt.date.fromisoformat(s.date) for s in t.steps]
    days.append(days[-1] + dt.timedelta(days=max(1, (days[-1] - days[0]).days // 20)))
    pz = [s.zone.probability or 0.0 for s in steps]
    lo = [s.zone.ci95[0] for s in steps]
    hi = [s.zone.ci95[1] for s in steps]
    ax.step(days, pz, where="post", color="black", linewidth=2, label="P(an agreement zone exists)")
    ax.fill_between(days, lo, hi, step="post", color="grey", alpha=0.25, label="95% interval")
    labels = {d.id: d.label for d in scenario.drafts} if scenario is not None else {}
    for d in t.steps[0].drafts if t.steps else ():
        ys = [s.drafts[d].probability or 0.0 for s in steps]
        ax.step(
            days, ys, where="post", linewidth=1.2, label=f"all gating accept: {labels.get(d, d)}"
        )
    for k, r in enumerate(t.reports):
        x: Any = dt.date.fromisoformat(r.date)
        ax.axvline(x, color="#C44E52", linestyle=":", linewidth=1)
        name = r.title or r.file
        ax.annotate(
            name if len(name) <= 50 else name[:49] + "…",
            (x, 0.5),
            xytext=(-3 - 9 * (k % 2), 0),
            textcoords="offset points",
            fontsize=7,
            color="#C44E52",
            rotation=90,
            ha="right",
            va="center",
        )
    ax.set_ylim(-0.02, 1.05)
    ax.set_ylabel("probability")
    ax.set_title("The odds over time (dotted red lines: reports)", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7)
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(
        mdates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    )
    return fig
