"""CLI commands for zopa.forecast: ``zopa forecast`` and ``zopa backtest``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import typer

from zopa.cli.app import ForceOpt, app, vet_output
from zopa.errors import AnalysisError


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


def _fmt(x: float) -> str:
    return "–" if math.isnan(x) else f"{x:.2f}"


@app.command("forecast")
def forecast_cmd(
    file: Path = typer.Argument(..., help="decide file, CSV, forecast YAML or DEU III table"),
    model: str = typer.Option(
        "all", "--model", "-m", help="compromise | median | eum | exchange | all"
    ),
    rounds: int | None = typer.Option(
        None, "--rounds", "-r", min=0, help="rounds of the dynamic models (eum 8, exchange 10)"
    ),
    preset: str = typer.Option(
        "paper", "--preset", help="expected-utility preset: paper | scholz-code"
    ),
    trace: bool = typer.Option(False, "--trace", help="show the rounds of the dynamic models"),
    plot: Path | None = typer.Option(None, "--plot", help="draw the trajectories to this PNG"),
    capability: str = typer.Option("equal", "--capability", help="DEU III only: equal | gdp"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
    force: ForceOpt = False,
) -> None:
    """Forecast where each issue lands, every model side by side."""
    from rich.console import Console
    from rich.table import Table

    from zopa.forecast import load_forecast, plot_traces, run_models

    vet_output(plot, "plot", force)
    data = load_forecast(file, capability=capability)
    fc = run_models(data, _models(model), rounds=rounds, preset=_preset(preset))
    if plot is not None:
        plot_traces(fc, plot)
    if as_json:
        typer.echo(json.dumps(fc.to_dict(trace=trace), indent=2))
        return
    con = Console(highlight=False)
    table = Table(title=f"forecast: {file.name}")
    table.add_column("issue")
    for m in fc.runs:
        table.add_column(m, justify="right")
    for iss in fc.issues:
        table.add_row(iss, *(_fmt(fc.value(m, iss)) for m in fc.runs))
    con.print(table)
    if trace:
        for m, run in fc.runs.items():
            for iss, tr in run.trace.items():
                con.print(
                    f"{m} / {iss}: median "
                    + " ".join(_fmt(v) for v in tr.median)
                    + " | mean "
                    + " ".join(_fmt(v) for v in tr.mean)
                )
    if plot is not None:
        con.print(f"trajectories drawn to {plot}")


@app.command("backtest")
def backtest_cmd(
    file: Path = typer.Argument(..., help="input with known outcomes (e.g. the DEU III table)"),
    model: str = typer.Option(
        "all", "--model", "-m", help="compromise | median | eum | exchange | all"
    ),
    rounds: int | None = typer.Option(None, "--rounds", "-r", min=0),
    preset: str = typer.Option("paper", "--preset", help="paper | scholz-code"),
    capability: str = typer.Option("equal", "--capability", help="DEU III: equal | gdp"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Mean and median absolute error (0-100 scale) of every model against known outcomes."""
    from rich.console import Console
    from rich.table import Table

    from zopa.forecast import backtest, load_forecast

    data = load_forecast(file, capability=capability)
    res = backtest(data, _models(model), rounds=rounds, preset=_preset(preset))
    if as_json:
        typer.echo(json.dumps(res.to_dict(), indent=2))
        return
    table = Table(title=f"backtest: {file.name} (capability {capability}, eum preset {preset})")
    for col in ("model", "MAE", "median AE", "n"):
        table.add_column(col, justify="left" if col == "model" else "right")
    for m, s in res.scores.items():
        table.add_row(m, _fmt(s.mae), _fmt(s.median_ae), str(s.n))
    Console(highlight=False).print(table)
