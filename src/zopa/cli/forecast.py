"""CLI commands for zopa.forecast: ``zopa forecast`` and ``zopa backtest``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer

from zopa.cli.app import Bounded, ForceOpt, app, vet_output
from zopa.errors import AnalysisError

MAX_ROUNDS = 1000
"""Rounds a dynamic model may run from the command line (each round is quick; a typo such as
10000000000 would otherwise run for days)."""

# Typer choices (a bad value is a usage error, exit 2); tests/cli/test_startup.py keeps them in
# step with zopa.forecast.MODELS and PRESETS without importing the library here.
ModelName = Literal["compromise", "median", "eum", "exchange", "all"]
PresetName = Literal["scholz-code", "paper"]
Capability = Literal["equal", "gdp"]

if TYPE_CHECKING:
    from rich.console import Console


def _models(model: str) -> list[str]:
    from zopa.forecast import MODELS

    if model != "all" and model not in MODELS:
        raise AnalysisError(f"unknown model {model!r}; use one of: {', '.join(MODELS)}, all")
    return [model]


def _preset(preset: str) -> str:
    from zopa.forecast import PRESETS

    if preset not in PRESETS:
        raise AnalysisError(f"unknown preset {preset!r}; use one of: {', '.join(PRESETS)}")
    return preset


def _console() -> Console:
    from rich.console import Console

    from zopa.report.fit import console_width

    return Console(highlight=False, width=console_width())


@app.command("forecast")
def forecast_cmd(
    file: Path = typer.Argument(..., help="decide file, CSV, forecast YAML or DEU III table"),
    model: ModelName = typer.Option("all", "--model", "-m", help="the model(s) to run"),
    rounds: int | None = typer.Option(
        None,
        "--rounds",
        "-r",
        parser=Bounded(int, 0, MAX_ROUNDS),
        help=f"rounds of the dynamic models (eum 8, exchange 10; at most {MAX_ROUNDS:,})",
    ),
    preset: PresetName = typer.Option(
        "scholz-code",
        "--preset",
        help="expected-utility preset: scholz-code (reproduces the published rounds) or paper",
    ),
    trace: bool = typer.Option(False, "--trace", help="show the rounds of the dynamic models"),
    plot: Path | None = typer.Option(
        None, "--plot", help="draw the dynamic models' trajectories (.png, .svg or .pdf)"
    ),
    capability: Capability = typer.Option("equal", "--capability", help="DEU III only"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
    force: ForceOpt = False,
) -> None:
    """Forecast where each issue lands, every model side by side."""
    from zopa.forecast import load_forecast, run_models
    from zopa.report.figures import save_figure
    from zopa.report.forecast import render_forecast, traces_figure

    vet_output(plot, "plot", force)
    data = load_forecast(file, capability=capability)
    fc = run_models(data, _models(model), rounds=rounds, preset=_preset(preset))
    if plot is not None:
        save_figure(traces_figure(fc), plot)
    if as_json:
        typer.echo(json.dumps(fc.to_dict(trace=trace), indent=2))
        return
    con = _console()
    render_forecast(fc, con, title=f"forecast: {file.name}", trace=trace)
    if plot is not None:
        con.print(f"trajectories drawn to {plot}")


@app.command("backtest")
def backtest_cmd(
    file: Path = typer.Argument(..., help="input with known outcomes (e.g. the DEU III table)"),
    model: ModelName = typer.Option("all", "--model", "-m", help="the model(s) to score"),
    rounds: int | None = typer.Option(
        None,
        "--rounds",
        "-r",
        parser=Bounded(int, 0, MAX_ROUNDS),
        help=f"rounds of the dynamic models (at most {MAX_ROUNDS:,})",
    ),
    preset: PresetName = typer.Option(
        "scholz-code",
        "--preset",
        help="expected-utility preset: scholz-code (reproduces the published rounds) or paper",
    ),
    capability: Capability = typer.Option("equal", "--capability", help="DEU III only"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Mean and median absolute error (0-100 scale) of every model against known outcomes."""
    from zopa.forecast import backtest, load_forecast
    from zopa.report.forecast import render_backtest

    data = load_forecast(file, capability=capability)
    res = backtest(data, _models(model), rounds=rounds, preset=_preset(preset))
    if as_json:
        typer.echo(json.dumps(res.to_dict(), indent=2))
        return
    render_backtest(
        res,
        _console(),
        title=f"backtest: {file.name} (eum preset {preset}"
        + (f", DEU III capability {capability})" if capability != "equal" else ")"),
    )
