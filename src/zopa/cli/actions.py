"""What the scenario commands do (validate, schema, analyze, evaluate, compare), without Typer.

:mod:`zopa.cli.analysis` declares these commands to Typer (arguments, options, help) and calls
the functions here; :mod:`zopa.cli.fast` calls them directly when a command line is plainly
valid, so the common run imports no Typer at all. The library is imported inside each
function: importing this module costs nothing but the standard library.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zopa.cli.params import Bounded, vet_output
from zopa.errors import AnalysisError

if TYPE_CHECKING:
    from rich.console import Console

    from zopa.analysis.analyze import Engine

ENGINES = ("auto", "enumerate", "frontier", "milp")  # == zopa.analysis.analyze.ENGINES (tested)
FRONTIER_LIMIT = Bounded(int, 0, 10**7)  # analyze --frontier-limit
TOP = Bounded(int, 0, 10**4)  # evaluate --top


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def console() -> Console:
    """Rich console; wide when the output is not a terminal (logs, pipes, CI)."""
    from rich.console import Console

    from zopa.report.fit import console_width

    return Console(highlight=False, width=console_width())


def validate(file: Path, as_json: bool) -> None:
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

    render_validation(s, str(file), console())


def schema() -> None:
    from zopa.model.spec import json_schema

    print_json(json_schema())


def analyze(
    file: Path,
    as_json: bool,
    engine: str,
    plot: Path | None,
    parties: str | None,
    frontier_limit: int,
    force: bool,
) -> None:
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

    con = console()
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


def evaluate(file: Path, draft: str, edits: list[str] | None, as_json: bool, top: int) -> None:
    from zopa.analysis.drafts import evaluate
    from zopa.io import load_any

    s = load_any(file)
    result = evaluate(s, draft, top=top, edits=edits or ())
    if as_json:
        print_json(result.to_dict())
        return
    from zopa.report.tables import render_evaluation

    render_evaluation(result, s, console())


def compare(file: Path, draft_a: str, draft_b: str, edits: list[str] | None, as_json: bool) -> None:
    from zopa.analysis.drafts import compare
    from zopa.io import load_any

    s = load_any(file)
    result = compare(s, draft_a, draft_b, edits=edits or ())
    if as_json:
        print_json(result.to_dict())
        return
    from zopa.report.tables import render_comparison

    render_comparison(result, s, console())
