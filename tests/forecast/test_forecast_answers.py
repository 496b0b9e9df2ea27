"""`zopa forecast`/`backtest` answer in the issue's own terms, and their plot shows it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zopa.cli import main
from zopa.errors import AnalysisError
from zopa.forecast import IssueTrace, load_forecast, run_models
from zopa.report.forecast import cell, traces_figure

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "forecast"
TERRITORY = EXAMPLES / "territory.yaml"
SAMPLE = EXAMPLES / "backtest-sample.yaml"


def test_cells_use_units_and_option_names() -> None:
    data = load_forecast(TERRITORY)
    assert data.units["line"] == "km"
    assert [name for _, name in data.scales["monitors"]] == ["none", "observers", "peacekeepers"]
    assert cell(data, "line", 51.3) == "51.30 km"
    assert cell(data, "monitors", 0.91) == "0.91 (observers)"
    assert cell(data, "monitors", 1.6) == "1.60 (peacekeepers)"
    assert "venue" in data.left_out and "not ordered" in data.left_out["venue"]


def test_settling_of_a_trace() -> None:
    flat = IssueTrace(median=(0.0, 5.0, 5.0, 5.0, 5.0), mean=(0.0,) * 5, positions={})
    assert flat.settling(100.0) == "converged"
    zigzag = IssueTrace(median=(0, 50, 10, 60, 5, 55, 0), mean=(0,) * 7, positions={})
    assert zigzag.settling(100.0) == "oscillating"
    drift = IssueTrace(median=(0, 10, 20, 30, 40, 50), mean=(0,) * 6, positions={})
    assert drift.settling(100.0) == "still moving"


def test_forecast_output_explains_columns_left_out_and_warnings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["forecast", str(TERRITORY), "--model", "all"]) == 0
    out = capsys.readouterr().out
    assert "compromise: mean of the positions weighted by capability x salience" in out
    assert "left out: venue" in out
    assert "(observers)" in out and " km" in out
    fc = run_models(load_forecast(TERRITORY), ["exchange"])
    assert any("exchange on line" in w and "oscillating" in w for w in fc.warnings)
    assert main(["forecast", str(TERRITORY), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["left_out"]["venue"].startswith("its options are not ordered")
    assert data["nearest_option"]["monitors"]["median"] == "observers"
    assert data["statistics"]["eum"].startswith("weighted median")


def test_traces_figure_content() -> None:
    fc = run_models(load_forecast(TERRITORY), ["all"])
    fig = traces_figure(fc)
    panels = [(m, i) for m, r in fc.runs.items() for i in r.trace]
    assert len(fig.axes) == len(panels)  # no empty panels
    titles = {ax.get_title() for ax in fig.axes}
    assert "eum: Ceasefire line (km from the 2022 front)" in titles
    ylabels = {ax.get_ylabel() for ax in fig.axes}
    assert "position (km)" in ylabels and "option" in ylabels
    ticks = {t.get_text() for ax in fig.axes for t in ax.get_yticklabels()}
    assert {"none", "observers", "peacekeepers"} <= ticks
    legend = {t.get_text() for t in fig.legends[0].get_texts()}
    assert {"north", "south", "median", "mean"} <= legend
    assert fig.get_suptitle().startswith("Forecast trajectories: territory.yaml")


def test_plot_refused_without_dynamic_model(tmp_path: Path) -> None:
    fc = run_models(load_forecast(TERRITORY), ["median"])
    with pytest.raises(AnalysisError, match="dynamic models"):
        traces_figure(fc)
    png = tmp_path / "p.png"
    assert main(["forecast", str(TERRITORY), "--model", "median", "--plot", str(png)]) == 2
    assert not png.exists()


def test_bundled_backtest_sample_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "mean abs. error" in out and "(best)" in out
    assert main(["backtest", str(SAMPLE), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)["models"]
    assert set(scores) == {"compromise", "median", "eum", "exchange"}
    assert all(s["n"] == 5 for s in scores.values())
