"""The `zopa forecast` and `zopa backtest` commands, and scenario -> forecast inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zopa.cli import main
from zopa.forecast import load_forecast

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "forecast" / "territory.yaml"


def test_forecast_json_with_trace_and_plot(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = shared_data / "bdm" / "bdm_example_actors_eu_emissions.csv"
    png = tmp_path / "t.png"
    assert main(["forecast", str(path), "--json", "--trace", "--plot", str(png)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["issues"]["issue"]["median"] == 7.0
    assert set(out["issues"]["issue"]) == {"compromise", "median", "eum", "exchange"}
    tr = out["trace"]["eum"]["issue"]
    assert tr["median"][0] == 7.0 and len(tr["mean"]) == 9 and "Germany" in tr["positions"]
    assert png.stat().st_size > 1000


def test_forecast_table_one_model(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shared_data / "decide" / "decide_cop21.csv"
    assert main(["forecast", str(path), "--model", "exchange", "--rounds", "3", "--trace"]) == 0
    out = capsys.readouterr().out
    assert "differentiation" in out and "exchange / eaa: median" in out


def test_forecast_errors_exit_2(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = shared_data / "decide" / "decide_copenhagen_with_errors.csv"
    assert main(["forecast", str(bad)]) == 2
    err = capsys.readouterr().err
    assert ":86:4" in err and ":87:6" in err
    good = shared_data / "decide" / "decide_cop21.csv"
    assert main(["forecast", str(good), "--model", "oracle"]) == 2
    assert "'oracle' is not one of" in capsys.readouterr().err
    assert main(["forecast", str(good), "--preset", "nope"]) == 2


def test_backtest_json(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shared_data / "deu3" / "deu3_blksv.csv"
    assert (
        main(["backtest", str(path), "--model", "compromise", "--json", "--capability", "gdp"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["models"]["compromise"]["n"] == 353
    assert 20 < out["models"]["compromise"]["mae"] < 26


def test_scenario_to_forecast_inputs() -> None:
    data = load_forecast(EXAMPLE)
    assert data.issues == ("line", "monitors")  # the unordered `venue` is left out
    assert data.actors == ("north", "south", "broker")
    assert data.position[:, 0].tolist() == [100.0, 0.0, 40.0]  # most valued option
    assert data.position[:, 1].tolist() == [0.0, 2.0, 1.0]  # option index
    assert data.capability[:, 0].tolist() == [2.0, 1.5, 1.0]
    assert data.salience[0, 0] == pytest.approx(0.6)
