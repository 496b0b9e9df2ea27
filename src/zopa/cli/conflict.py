"""CLI commands for zopa.conflict: ``zopa stability FILE``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import typer

from zopa.cli.app import ForceOpt, app, vet_output

Concept = Literal["nash", "gmr", "smr", "seq"]  # == zopa.conflict.CONCEPTS (tests/cli)


@app.command("stability")
def stability(
    file: Path = typer.Argument(..., help="conflict file: .yaml/.yml/.json or gmcr-py .gmcr"),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
    plot: Path | None = typer.Option(None, "--plot", help="draw the state graph to this file"),
    concept: Concept = typer.Option("nash", "--concept", help="equilibria to mark in --plot"),
    coalitions: bool = typer.Option(False, "--coalitions", help="add coalition analysis"),
    status_quo: bool = typer.Option(
        False, "--status-quo", help="add status quo analysis (needs status_quo in the file)"
    ),
    force: ForceOpt = False,
) -> None:
    """Nash, GMR, SMR and SEQ stability of every state for every decision maker (GMCR)."""
    from rich.console import Console

    from zopa.conflict import analyze, coalition_analysis, load_conflict, status_quo_analysis
    from zopa.report.conflict import render_stability, state_graph_figure

    target = vet_output(plot, "plot", force)
    conflict = load_conflict(file)
    result = analyze(conflict)
    figure = state_graph_figure(result, concept) if plot is not None else None  # refuse early
    coal = coalition_analysis(conflict, result=result) if coalitions else None
    paths = (
        [
            status_quo_analysis(conflict, result=result),
            status_quo_analysis(conflict, result=result, improvements_only=True),
        ]
        if status_quo
        else []
    )
    if plot is not None and figure is not None:
        from zopa.report.figures import save_figure

        save_figure(figure, plot)
    if as_json:
        extra: dict[str, Any] = {}
        if coal is not None:
            extra["coalitions"] = coal.to_dict()
        if paths:
            extra["status_quo"] = paths[0].to_dict()
            extra["status_quo_improvements"] = paths[1].to_dict()
        typer.echo(json.dumps(result.to_dict() | extra))
        return
    from zopa.report.fit import console_width

    console = Console(highlight=False, width=console_width())
    render_stability(result, console, coalitions=coal, status_quo=paths)
    if target is not None:
        console.print(f"state graph drawn to {plot}{target.note()}")
