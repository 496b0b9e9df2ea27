"""CLI commands for zopa.conflict: ``zopa stability FILE``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from zopa.cli.app import ForceOpt, app, vet_output

if TYPE_CHECKING:
    from zopa.conflict import StabilityResult

_SHOWN = 40


@app.command("stability")
def stability(
    file: Path = typer.Argument(..., help="conflict file: .yaml/.yml/.json or gmcr-py .gmcr"),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
    plot: Path | None = typer.Option(None, "--plot", help="draw the state graph to this file"),
    concept: str = typer.Option("nash", "--concept", help="equilibria to mark in --plot"),
    coalitions: bool = typer.Option(False, "--coalitions", help="add coalition analysis"),
    status_quo: bool = typer.Option(
        False, "--status-quo", help="add status quo analysis (needs status_quo in the file)"
    ),
    force: ForceOpt = False,
) -> None:
    """Nash, GMR, SMR and SEQ stability of every state for every decision maker (GMCR)."""
    from zopa.conflict import analyze, coalition_analysis, load_conflict, status_quo_analysis

    vet_output(plot, "plot", force)
    conflict = load_conflict(file)
    result = analyze(conflict)
    extra: dict[str, Any] = {}
    if coalitions:
        extra["coalitions"] = coalition_analysis(conflict, result=result).to_dict()
    if status_quo:
        extra["status_quo"] = status_quo_analysis(conflict, result=result).to_dict()
        extra["status_quo_improvements"] = status_quo_analysis(
            conflict, result=result, improvements_only=True
        ).to_dict()
    if plot is not None:
        from zopa.conflict.plot import plot_state_graph

        plot_state_graph(result, plot, concept)
    if as_json:
        typer.echo(json.dumps(result.to_dict() | extra))
        return
    _render(result, extra, plot)


def _ids(ids: tuple[int, ...] | list[int]) -> str:
    text = ", ".join(str(k) for k in ids[:_SHOWN])
    return (text + f", … ({len(ids)} in all)") if len(ids) > _SHOWN else (text or "none")


def _render(result: StabilityResult, extra: dict[str, Any], plot: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    from zopa.conflict import CONCEPTS
    from zopa.conflict.stability import CONCEPT_NAMES

    out = Console(highlight=False)
    c = result.conflict
    out.print(
        f"[bold]{c.title or 'conflict'}[/]: {len(c.decision_makers)} decision makers, "
        f"{len(c.options)} options ({', '.join(o.id for o in c.options)}), "
        f"{c.n_states} feasible states"
    )
    for name in CONCEPTS:
        view = result.concept(name)
        table = Table(title=CONCEPT_NAMES[name], title_justify="left")
        table.add_column("decision maker")
        table.add_column("stable states")
        for dm, ids in view.per_dm.items():
            table.add_row(dm, _ids(ids))
        eq = list(view.equilibria)
        table.add_row(
            "[bold]equilibria[/]",
            ", ".join(f"{k} ({c.pattern(k - 1)})" for k in eq[:_SHOWN])
            + (f", … ({len(eq)} in all)" if len(eq) > _SHOWN else "")
            if eq
            else "none",
        )
        out.print(table)
    if "coalitions" in extra:
        for item in extra["coalitions"]["coalitions"]:
            out.print(f"coalition {'+'.join(item['members'])}: stable {_ids(item['stable'])}")
        out.print(f"coalition-Nash equilibria: {_ids(extra['coalitions']['equilibria'])}")
    for key in ("status_quo", "status_quo_improvements"):
        if key in extra:
            sq = extra[key]
            kind = "improvements only" if sq["improvements_only"] else "any moves"
            out.print(
                f"from status quo {sq['status_quo']} ({kind}): "
                f"{len(sq['reachable'])} states reachable"
            )
            for target, path in sq["paths"].items():
                steps = (
                    "unreachable"
                    if path is None
                    else " → ".join(
                        [str(sq["status_quo"])] + [f"{s['target']} ({s['dm']})" for s in path]
                    )
                )
                out.print(f"  to {target}: {steps}")
    if plot is not None:
        out.print(f"state graph written to {plot}")
