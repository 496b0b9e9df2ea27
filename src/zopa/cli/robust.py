"""CLI command ``zopa robust``: the agreement zone under uncertainty and public evidence."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from zopa.cli.analysis import FileArg, JsonOpt, _console, print_json
from zopa.cli.app import Bounded, ForceOpt, app, vet_output
from zopa.errors import AnalysisError


@app.command("robust")
def robust_cmd(
    file: FileArg,
    samples: Annotated[
        int, typer.Option(help="samples to draw (1 to 10,000,000)", parser=Bounded(int, 1, 10**7))
    ] = 10_000,
    seed: Annotated[
        int,
        typer.Option(
            help="random seed >= 0 (same seed, same answer)", parser=Bounded(int, 0, 2**63 - 1)
        ),
    ] = 0,
    workers: Annotated[
        int, typer.Option(help="local worker processes (1 to 256)", parser=Bounded(int, 1, 256))
    ] = 1,
    dask: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://host:8786) or local:N"),
    ] = None,
    sensitivity_samples: Annotated[
        int | None,
        typer.Option(
            help="samples per end of each range for the tornado (default min(N, 2000))",
            parser=Bounded(int, 0, 10**7),
        ),
    ] = None,
    top: Annotated[
        int,
        typer.Option(
            help="next-most-robust packages to list (0 to 100)", parser=Bounded(int, 0, 100)
        ),
    ] = 5,
    as_json: JsonOpt = False,
    plot: Annotated[Path | None, typer.Option(help="write the tornado chart (PNG/SVG/PDF)")] = None,
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
    target = vet_output(plot, "plot", force)
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
    }
    if bar is not None:
        with bar:
            result = robustness(s, progress=update, **kwargs)
    else:
        result = robustness(s, **kwargs)
    if target is not None:
        from zopa.io.output import save_figure
        from zopa.report.robust import tornado_figure

        save_figure(tornado_figure(result, scenario=s), target.path)
    if as_json:
        print_json(result.to_dict())
        for w in result.warnings:
            sys.stderr.write(f"warning: {w}\n")
        return
    from zopa.report.robust import render_robust

    con = _console()
    render_robust(result, con)
    if target is not None:
        con.print(f"tornado chart written to {target.path}{target.note()}")


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
