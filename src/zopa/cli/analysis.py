"""CLI commands for scenarios: validate, schema, analyze, evaluate, compare."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from zopa.cli.app import Bounded, ForceOpt, app, vet_output
from zopa.errors import AnalysisError

if TYPE_CHECKING:
    from rich.console import Console

    from zopa.analysis.analyze import Engine

ENGINES = ("auto", "enumerate", "frontier", "milp")  # == zopa.analysis.analyze.ENGINES (tested)

FileArg = Annotated[
    Path,
    typer.Argument(
        help="scenario file (.yaml/.yml/.json), GENIUS folder or domain .xml, GeniusWeb"
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON object")]


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def _console() -> Console:
    """Rich console; wide when the output is not a terminal (logs, pipes, CI)."""
    from rich.console import Console

    from zopa.report.fit import console_width

    return Console(highlight=False, width=console_width())


@app.command("validate")
def validate_cmd(file: FileArg, as_json: JsonOpt = False) -> None:
    """Check a scenario file; print a summary, or every problem with its place and fix."""
    from zopa.io import load_any

    s = load_any(file)
    if as_json:
        print_json(
            {
                "file": str(file),
                "valid": True,
                "title": s.title,
                "issues": len(s.issues),
                "parties": len(s.parties),
                "outcomes": s.outcomes,
                "drafts": len(s.drafts),
            }
        )
        return
    from zopa.report.tables import render_validation

    render_validation(s, str(file), _console())


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of scenario files."""
    from zopa.model.spec import json_schema

    print_json(json_schema())


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
            help="frontier packages to list (0 to 10,000,000)", parser=Bounded(int, 0, 10**7)
        ),
    ] = 1000,
    force: ForceOpt = False,
) -> None:
    """The agreement zone, Pareto frontier, bargaining solutions, and concessions if needed."""
    if engine not in ENGINES:
        raise AnalysisError(f"unknown engine `{engine}`; choose auto, enumerate, frontier or milp")
    from zopa.analysis.analyze import analyze
    from zopa.io import load_any

    target = vet_output(plot, "plot", force)
    pair = _pair(parties)
    s = load_any(file)
    from zopa.report.progress import enumeration_progress

    bar, update = enumeration_progress(s.outcomes)
    if bar is not None:
        with bar:
            result = analyze(
                s, engine=_engine(engine), frontier_limit=frontier_limit, progress=update
            )
    else:
        result = analyze(s, engine=_engine(engine), frontier_limit=frontier_limit)
    if plot is not None:
        from zopa.report.plot import plot_utility_space

        plot_utility_space(s, result, plot, pair)
    if as_json:
        print_json(result.to_dict())
        return
    from zopa.report.tables import render_analysis

    con = _console()
    render_analysis(result, s, con)
    if target is not None:
        con.print(f"plot written to {plot}{target.note()}")


def _engine(name: str) -> Engine:
    return {"enumerate": "enumerate", "frontier": "frontier", "milp": "milp"}.get(name, "auto")  # type: ignore[return-value]


def _pair(parties: str | None) -> tuple[str, str] | None:
    if parties is None:
        return None
    bits = [p.strip() for p in parties.split(",") if p.strip()]
    if len(bits) != 2:
        raise AnalysisError(f"--parties takes two party ids as a,b (got `{parties}`)")
    return bits[0], bits[1]


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
        typer.Option(
            help="Pareto improvements to list (0 to 10,000)", parser=Bounded(int, 0, 10**4)
        ),
    ] = 5,
) -> None:
    """Evaluate a draft: utilities, red lines, the issue changes into the zone, improvements.

    Edits after the draft evaluate a what-if: `zopa evaluate FILE plan-20 army_cap=900000`.
    """
    from zopa.analysis.drafts import evaluate
    from zopa.io import load_any

    s = load_any(file)
    result = evaluate(s, draft, top=top, edits=edits or ())
    if as_json:
        print_json(result.to_dict())
        return
    from zopa.report.tables import render_evaluation

    render_evaluation(result, s, _console())


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
    from zopa.analysis.drafts import compare
    from zopa.io import load_any

    s = load_any(file)
    result = compare(s, draft_a, draft_b, edits=edits or ())
    if as_json:
        print_json(result.to_dict())
        return
    from zopa.report.tables import render_comparison

    render_comparison(result, s, _console())
