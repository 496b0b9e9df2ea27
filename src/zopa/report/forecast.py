"""Terminal tables and trajectory plots for forecasts and backtests.

A forecast cell reads in the issue's own terms: a number with its unit, and on an ordered
issue the option nearest to it; the caption says what each column is (mean, median, after
how many rounds), which issues were left out and why, and warns when a dynamic model
oscillates or is still moving at its last round.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from zopa.report.figures import new_figure, save_figure

if TYPE_CHECKING:
    from pathlib import Path

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from zopa.forecast import Forecast, ForecastInput
    from zopa.forecast.run import BacktestResult

__all__ = [
    "MAX_PANELS",
    "plot_traces",
    "render_backtest",
    "render_forecast",
    "traces_figure",
]

MAX_PANELS = 12
"""At most this many model-issue panels are drawn; the title says how many were left out."""
MAX_ACTOR_LINES = 12
"""Up to this many actors get their own colour and legend entry; more are drawn in grey."""


def _position(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:.2f}"


def cell(data: ForecastInput | None, issue: str, value: float) -> str:
    """``51.32 km`` or ``0.91 (observers)``: the number in the issue's own terms."""
    text = _position(value)
    if data is None or math.isnan(value):
        return text
    near = data.option_near(issue, value)
    if near is not None:
        return f"{text} ({near})"
    unit = data.units.get(issue)
    return f"{text} {unit}" if unit else text


def render_forecast(fc: Forecast, console: Console, *, title: str, trace: bool = False) -> None:
    data = fc.data
    table = Table(title=title, title_justify="left")
    table.add_column("issue")
    for m in fc.runs:
        table.add_column(m, justify="right")
    for iss in fc.issues:
        label = data.labels.get(iss, "") if data is not None else ""
        name = f"{label} [dim]({iss})[/]" if label and label != iss else iss
        table.add_row(name, *(cell(data, iss, fc.value(m, iss)) for m in fc.runs))
    console.print(table)
    for m, run in fc.runs.items():
        console.print(f"[dim]{m}: {run.statistic}[/]")
    if data is not None and data.scales:
        console.print(
            "[dim]on an ordered issue the options sit at 0, 1, 2, ... and the option nearest "
            "the forecast is named in brackets[/]"
        )
    if data is not None:
        for what, why in data.left_out.items():
            console.print(f"left out: {what} - {why}")
    for w in fc.warnings:
        console.print(f"[yellow]warning:[/] {w}")
    if trace:
        for m, run in fc.runs.items():
            for iss, tr in run.trace.items():
                console.print(
                    f"{m} / {iss}: median "
                    + " ".join(_position(v) for v in tr.median)
                    + " | mean "
                    + " ".join(_position(v) for v in tr.mean)
                )


def render_backtest(res: BacktestResult, console: Console, *, title: str) -> None:
    table = Table(title=title, title_justify="left")
    for col in ("model", "mean abs. error", "median abs. error", "issues"):
        table.add_column(col, justify="left" if col == "model" else "right")
    best = min((s.mae for s in res.scores.values() if not math.isnan(s.mae)), default=float("nan"))
    for m, s in res.scores.items():
        mark = " (best)" if s.mae == best else ""
        table.add_row(m + mark, _position(s.mae), _position(s.median_ae), str(s.n))
    console.print(table)
    console.print(
        "[dim]errors are distances between forecast and observed outcome on a 0-100 scale "
        "(each issue's scale rescaled); lower is better[/]"
    )
    for m, run in res.forecast.runs.items():
        console.print(f"[dim]{m}: {run.statistic}[/]")


def traces_figure(fc: Forecast) -> Figure:
    """Small multiples of the dynamic models: one panel per model and issue, rounds on x.

    Each actor's position is a thin line (coloured with a legend up to
    :data:`MAX_ACTOR_LINES` actors), the median and mean are thick; the y axis is in the
    issue's unit, or names the options of an ordered issue.
    """
    from zopa.errors import AnalysisError

    panels = [(m, i, t) for m, r in fc.runs.items() for i, t in r.trace.items()]
    if not panels:
        raise AnalysisError(
            "the trajectories plot shows the dynamic models' rounds; run eum or exchange "
            "(--model eum, --model exchange or --model all)"
        )
    shown = panels[:MAX_PANELS]
    # the fewest empty cells (no empty panels), then the widest layout, at most 3 columns
    cols = min(
        range(1, min(3, len(shown)) + 1),
        key=lambda c: (math.ceil(len(shown) / c) * c - len(shown), -c),
    )
    rows = math.ceil(len(shown) / cols)
    fig = new_figure((4.4 * cols + 1.8, 3.2 * rows + 0.8))
    data = fc.data
    actors = sorted({a for _, _, t in shown for a in t.positions})
    colour = {a: f"C{k % 10}" for k, a in enumerate(actors)} if len(actors) <= 10 else {}
    coloured = bool(colour) and len(actors) <= MAX_ACTOR_LINES
    for k, (model, issue, tr) in enumerate(shown):
        ax = fig.add_subplot(rows, cols, k + 1)
        rounds = range(len(tr.median))
        for actor, pos in tr.positions.items():
            ax.plot(
                rounds,
                pos,
                color=colour.get(actor, "0.75") if coloured else "0.75",
                lw=0.9,
                alpha=0.8,
                label=actor if coloured and k == 0 else None,
            )
        ax.plot(rounds, tr.median, color="black", lw=2.2, label="median" if k == 0 else None)
        ax.plot(rounds, tr.mean, color="black", lw=1.6, ls="--", label="mean" if k == 0 else None)
        label = data.labels.get(issue, issue) if data is not None else issue
        ax.set_title(f"{model}: {label}", fontsize=9)
        ax.set_xlabel("round", fontsize=8)
        _y_axis(ax, data, issue)
        ax.tick_params(labelsize=7)
    src = (data.source.rsplit("/", 1)[-1] if data is not None and data.source else "") or ""
    head = "Forecast trajectories" + (f": {src}" if src else "")
    if len(panels) > len(shown):
        head += f" (first {len(shown)} of {len(panels)} model-issue panels)"
    fig.suptitle(head, fontsize=10)
    handles, labels = fig.axes[0].get_legend_handles_labels()
    if not coloured:
        labels = [*labels, f"{len(actors)} actors (grey)"]
        from matplotlib.lines import Line2D

        handles = [*handles, Line2D([], [], color="0.75", lw=0.9)]
    fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.0, 0.95), fontsize=7)
    fig.tight_layout()
    return fig


def _y_axis(ax: Axes, data: ForecastInput | None, issue: str) -> None:
    if data is None:
        return
    points = data.scales.get(issue)
    if points:
        ax.set_yticks([v for v, _ in points], [name for _, name in points])
        ax.set_ylabel("option", fontsize=8)
        return
    unit = data.units.get(issue)
    ax.set_ylabel(f"position ({unit})" if unit else "position", fontsize=8)


def plot_traces(fc: Forecast, path: str | Path) -> Path:
    """Write :func:`traces_figure` to ``path`` (PNG, SVG or PDF by suffix)."""
    return save_figure(traces_figure(fc), path)
