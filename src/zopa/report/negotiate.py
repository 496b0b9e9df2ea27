"""Terminal tables and plots for negotiation sessions and tournaments.

Plots use matplotlib's object-oriented API (``Figure`` + Agg canvas): nothing here changes
matplotlib's global state or back-end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from zopa.report.figures import new_figure, save_figure
from zopa.vocab import party_label, percent, possessive, utility

if TYPE_CHECKING:
    from pathlib import Path

    from matplotlib.figure import Figure

    from zopa.model.scenario import Scenario
    from zopa.negotiate.session import SessionResult
    from zopa.negotiate.tournament import Ranking, TournamentResult

__all__ = [
    "package_table",
    "plot_ranking",
    "plot_session",
    "render_session",
    "render_tournament",
    "session_figure",
]

_PROTOCOL_NAMES = {
    "alternating": "bilateral alternating offers",
    "stacked": "stacked alternating offers",
    "single-text": "mediated single negotiating text",
    "one-text": "one-text procedure",
}


def package_table(
    scenario: Scenario, package: Mapping[str, object], title: str | None = None
) -> Table:
    """Issue label, agreed option label and the ids (as in ``--json``)."""
    from zopa.vocab import issue_label, value_label

    t = Table("issue", "option", "id", title=title, title_justify="left")
    for issue_id, value in package.items():
        try:
            shown = value_label(scenario.issue(issue_id), value)
        except KeyError:
            shown = str(value)
        t.add_row(
            escape(issue_label(scenario, issue_id)),
            escape(shown),
            f"[dim]{escape(f'{issue_id}={value}')}[/]",
        )
    return t


def render_session(result: SessionResult, console: Console) -> None:
    """What happened, the package (or the last offer), utilities, events and who blocked."""
    space = result.space
    scenario = space.scenario if space is not None else None
    proto = _PROTOCOL_NAMES.get(result.protocol, result.protocol)
    colour = "green" if result.agreement else "yellow"
    console.print(f"[bold {colour}]{result.summary}[/]" + (f"  [dim]({proto})[/]" if proto else ""))
    if result.package is not None and scenario is not None:
        console.print(package_table(scenario, result.package, "agreed package"))
    elif result.last_offer is not None and scenario is not None:
        mediated = result.protocol in ("single-text", "one-text")
        title = "final text put to the vote" if mediated else "last offer on the table"
        console.print(package_table(scenario, result.last_offer, title))
    heading = "utility of the agreement" if result.agreement else "walk-away utility"
    u = Table("party", heading, "note", title="per party", title_justify="left")
    blocked = set(result.blocked_by)
    for p, x in zip(result.parties, result.utilities, strict=True):
        note = ""
        if p == result.walked_away:
            note = "walked away"
        elif p in blocked:
            note = "blocked: voted no" if result.status.value == "no_agreement" else "blocked"
        u.add_row(escape(party_label(scenario, p) if scenario is not None else p), utility(x), note)
    console.print(u)
    if not result.agreement:
        console.print(
            "[dim]without agreement each party gets its reservation value (its BATNA), "
            "after any pressure events[/]"
        )
    if result.events:
        e = Table("round", "party", "event", "what it changed", title="pressure events that fired")
        for ev in result.events:
            e.add_row(str(ev.round), ev.party, ev.note or "-", ev.describe())
        console.print(e)
    offers = sum(1 for t in result.trace if t.action.value == "offer")
    console.print(
        f"{offers} offer{'s' if offers != 1 else ''}, {len(result.trace)} trace entries "
        "(--json prints them)"
    )


def render_tournament(result: TournamentResult, console: Console) -> None:
    t = Table(
        "rank",
        "strategy",
        "mean utility",
        "agreement rate",
        "sessions",
        title=f"{result.sessions} sessions, {result.agreements} agreements, {result.seconds:.2f} s",
    )
    for k, row in enumerate(result.ranking, 1):
        t.add_row(
            str(k),
            row.strategy,
            f"{row.mean_utility:.4f}",
            percent(row.agreement_rate),
            str(row.sessions),
        )
    console.print(t)
    console.print(
        "[dim]mean utility: a strategy's average utility over its seats (its reservation "
        "value where no agreement was reached)[/]"
    )
    if result.results:
        console.print(f"results written to {result.results}")


def session_figure(result: SessionResult) -> Figure:
    """Each party's offers as a path over the outcome space and its Pareto frontier.

    Axes are the first two negotiating parties' utilities (more parties: their offers are
    still drawn, projected on those two).
    """
    import numpy as np

    from zopa.analysis.pareto import frontier_mask
    from zopa.errors import ProtocolError
    from zopa.negotiate.session import Action

    space = result.space
    if space is None or len(result.parties) < 2:
        raise ProtocolError("a concession plot needs a session result with two or more parties")
    ux, uy = space.profiles[0].u, space.profiles[1].u
    pts = np.column_stack([ux, uy])
    front = pts[frontier_mask(pts)]
    front = front[np.argsort(front[:, 0])]
    fig = new_figure((7.6, 5.2))
    ax = fig.add_subplot()
    ax.scatter(ux, uy, s=4, c="#cccccc", label="packages", rasterized=True)
    ax.plot(front[:, 0], front[:, 1], "-", c="#555555", lw=1.2, label="Pareto frontier")
    entries = [e for e in result.trace if e.action is Action.OFFER and e.row is not None]
    for name in dict.fromkeys(e.party for e in entries):
        rows = [e.row for e in entries if e.party == name and e.row is not None]
        who = possessive(party_label(space.scenario, name))
        ax.plot(ux[rows], uy[rows], "o-", ms=3, lw=1, alpha=0.8, label=f"{who} offers")
    if result.row is not None:
        ax.plot(
            [ux[result.row]], [uy[result.row]], "*", ms=16, c="gold", mec="k", label="agreement"
        )
    ax.axvline(
        space.profiles[0].reservation, ls=":", c="#aa3333", lw=1, label="reservations (start)"
    )
    ax.axhline(space.profiles[1].reservation, ls=":", c="#aa3333", lw=1)
    ax.set_xlabel(f"utility of {party_label(space.scenario, result.parties[0])}")
    ax.set_ylabel(f"utility of {party_label(space.scenario, result.parties[1])}")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(f"{space.scenario.title[:70]}\n{result.summary}", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


def plot_session(result: SessionResult, path: str | Path) -> Path:
    """Write :func:`session_figure` to ``path`` (PNG, SVG or PDF by suffix)."""
    return save_figure(session_figure(result), path)


def ranking_figure(ranking: Sequence[Ranking]) -> Figure:
    """Mean utility per strategy (bars) with its agreement rate written beside each bar."""
    names = [r.strategy for r in ranking][::-1]
    vals = [r.mean_utility for r in ranking][::-1]
    fig = new_figure((6.4, 0.45 * len(names) + 1.4))
    ax = fig.add_subplot()
    bars = ax.barh(names, vals, color="#4477aa")
    for bar, r in zip(bars, list(ranking)[::-1], strict=True):
        ax.text(
            bar.get_width() + 0.01,
            bar.get_y() + bar.get_height() / 2,
            f"{percent(r.agreement_rate)} agree",
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, 1.15)
    ax.set_xlabel("mean utility")
    ax.set_title("Tournament ranking", fontsize=10)
    return fig


def plot_ranking(ranking: Sequence[Ranking], path: str | Path) -> Path:
    """Write :func:`ranking_figure` to ``path``."""
    return save_figure(ranking_figure(ranking), path)
