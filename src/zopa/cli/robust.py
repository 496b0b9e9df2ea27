"""CLI command ``zopa robust``: the agreement zone under uncertainty and public evidence."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from zopa.cli.analysis import FileArg, JsonOpt, _console, print_json
from zopa.cli.app import ForceOpt, app, vet_output
from zopa.errors import AnalysisError


@app.command("robust")
def robust_cmd(
    file: FileArg,
    samples: Annotated[int, typer.Option(help="samples to draw (1 to 10,000,000)")] = 10_000,
    seed: Annotated[int, typer.Option(help="random seed >= 0 (same seed, same answer)")] = 0,
    workers: Annotated[int, typer.Option(help="local worker processes (1 to 256)")] = 1,
    dask: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://host:8786) or local:N"),
    ] = None,
    sensitivity_samples: Annotated[
        int | None,
        typer.Option(help="samples per end of each range for the tornado (default min(N, 2000))"),
    ] = None,
    top: Annotated[int, typer.Option(help="next-most-robust packages to list (0 to 100)")] = 5,
    sensitivity: Annotated[
        str | None,
        typer.Option(
            help="global sensitivity: sobol (independent inputs, evidence not applied) or "
            "shapley (the kept samples, evidence included)"
        ),
    ] = None,
    sensitivity_output: Annotated[
        str,
        typer.Option(help="what the global sensitivity explains: zone, margin or draft:ID"),
    ] = "zone",
    sobol_samples: Annotated[
        int, typer.Option(help="Sobol base samples N (N x (parameters + 2) runs)")
    ] = 1024,
    prim: Annotated[
        bool, typer.Option("--prim", help="find the PRIM box where the zone lives")
    ] = False,
    prim_plot: Annotated[
        Path | None, typer.Option(help="write the PRIM peeling trajectory (PNG/SVG/PDF)")
    ] = None,
    as_json: JsonOpt = False,
    plot: Annotated[
        Path | None,
        typer.Option(
            help="write the chart (PNG/SVG/PDF): the global sensitivity with --sensitivity, "
            "else the one-at-a-time tornado"
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """How likely is an agreement zone, given the uncertainty and the evidence in the file?"""
    from zopa.robust import robustness

    if not 1 <= samples <= 10_000_000:
        raise AnalysisError(f"--samples must be between 1 and 10,000,000 (got {samples})")
    if seed < 0:
        raise AnalysisError(f"--seed must be >= 0 (got {seed})")
    if not 1 <= workers <= 256:
        raise AnalysisError(f"--workers must be between 1 and 256 (got {workers})")
    if not 0 <= top <= 100:
        raise AnalysisError(f"--top must be between 0 and 100 (got {top})")
    if sensitivity is not None and sensitivity not in ("sobol", "shapley"):
        raise AnalysisError(f"--sensitivity must be sobol or shapley (got {sensitivity!r})")
    if not 16 <= sobol_samples <= 1_000_000:
        raise AnalysisError(
            f"--sobol-samples must be between 16 and 1,000,000 (got {sobol_samples})"
        )
    target = vet_output(plot, "plot", force)
    prim_target = vet_output(prim_plot, "plot", force)
    if sensitivity_samples is not None and not 0 <= sensitivity_samples <= samples:
        raise AnalysisError(f"--sensitivity-samples must be between 0 and --samples ({samples:,})")
    from zopa.io import load_any

    s = load_any(file)
    bar, update = _bar(samples)
    kwargs: dict[str, Any] = {
        "samples": samples,
        "seed": seed,
        "workers": workers,
        "dask": dask,
        "sensitivity_samples": sensitivity_samples,
        "top": top,
        "method": sensitivity,
        "output": sensitivity_output,
        "sobol_base": sobol_samples,
        "boxes": prim or prim_plot is not None,
    }
    if bar is not None:
        with bar:
            result = robustness(s, progress=update, **kwargs)
    else:
        result = robustness(s, **kwargs)
    from zopa.io.output import save_figure

    if target is not None:
        from zopa.report.robust import sensitivity_figure, tornado_figure

        chart = (
            sensitivity_figure(result, scenario=s)
            if result.global_sensitivity is not None
            else tornado_figure(result, scenario=s)
        )
        save_figure(chart, target.path)
    if prim_target is not None and result.prim is not None:
        from zopa.report.robust import prim_figure

        save_figure(prim_figure(result, scenario=s), prim_target.path)
    if as_json:
        from zopa.report.robust import robust_json

        print_json(robust_json(result, s))
        for w in result.warnings:
            sys.stderr.write(f"warning: {w}\n")
        return
    from zopa.report.robust import render_robust

    con = _console()
    render_robust(result, con, scenario=s)
    if target is not None:
        what = "sensitivity" if result.global_sensitivity is not None else "tornado"
        con.print(f"{what} chart written to {target.path}{target.note()}")
    if prim_target is not None:
        con.print(f"PRIM trajectory written to {prim_target.path}{prim_target.note()}")


def _bar(samples: int) -> tuple[Any, Any]:
    if samples < 2_000 or not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("sampling"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("robust", total=1)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update
