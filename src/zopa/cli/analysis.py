"""CLI commands for scenarios: validate, schema, analyze, evaluate, compare.

The Typer declarations (arguments, options, help); what each command does is in
:mod:`zopa.cli.actions`, which :mod:`zopa.cli.fast` also calls without Typer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from zopa.cli import actions
from zopa.cli.actions import ENGINES, print_json
from zopa.cli.actions import console as _console
from zopa.cli.app import ForceOpt, app

__all__ = ["ENGINES", "FileArg", "JsonOpt", "_console", "print_json"]

FileArg = Annotated[
    Path,
    typer.Argument(
        help="scenario file (.yaml/.yml/.json), GENIUS folder or domain .xml, GeniusWeb"
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON object")]


@app.command("validate")
def validate_cmd(file: FileArg, as_json: JsonOpt = False) -> None:
    """Check a scenario file; print a summary, or every problem with its place and fix."""
    actions.validate(file=file, as_json=as_json)


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of scenario files."""
    actions.schema()


@app.command("analyze")
def analyze_cmd(
    file: FileArg,
    as_json: JsonOpt = False,
    engine: Annotated[
        Literal["auto", "enumerate", "frontier", "milp"],
        typer.Option(help="auto (by size) | enumerate | frontier | milp"),
    ] = "auto",
    plot: Annotated[
        Path | None, typer.Option(help="write the utility-space plot (PNG/SVG/PDF)")
    ] = None,
    parties: Annotated[str | None, typer.Option(help="two parties for the plot: a,b")] = None,
    frontier_limit: Annotated[
        int,
        typer.Option(
            help="frontier packages to list (0 to 10,000,000)", parser=actions.FRONTIER_LIMIT
        ),
    ] = 1000,
    force: ForceOpt = False,
) -> None:
    """The agreement zone, Pareto frontier, bargaining solutions, and concessions if needed."""
    actions.analyze(
        file=file,
        as_json=as_json,
        engine=engine,
        plot=plot,
        parties=parties,
        frontier_limit=frontier_limit,
        force=force,
    )


@app.command("evaluate")
def evaluate_cmd(
    file: FileArg,
    draft: Annotated[str, typer.Argument(help="a draft id, or a package issue=option,...")],
    edits: Annotated[
        list[str] | None,
        typer.Argument(help="what-if edits to the draft, issue=option each (no file is written)"),
    ] = None,
    as_json: JsonOpt = False,
    top: Annotated[
        int,
        typer.Option(help="Pareto improvements to list (0 to 10,000)", parser=actions.TOP),
    ] = 5,
) -> None:
    """Evaluate a draft: utilities, red lines, the issue changes into the zone, improvements.

    Edits after the draft evaluate a what-if: `zopa evaluate FILE plan-20 army_cap=900000`.
    """
    actions.evaluate(file=file, draft=draft, edits=edits, as_json=as_json, top=top)


@app.command("compare")
def compare_cmd(
    file: FileArg,
    draft_a: Annotated[str, typer.Argument(help="the earlier draft (id or package)")],
    draft_b: Annotated[str, typer.Argument(help="the revision (id or package)")],
    edits: Annotated[
        list[str] | None,
        typer.Argument(help="what-if edits to the revision, issue=option each (no file written)"),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Does revision B improve draft A, and for whom? Does it move closer to agreement?"""
    actions.compare(file=file, draft_a=draft_a, draft_b=draft_b, edits=edits, as_json=as_json)
