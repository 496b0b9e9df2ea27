"""Forecast readers and commands on files the project writes itself (tests/fixtures/forecast):
decide, a plain CSV and a DEU III-like table, with results computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from zopa.cli import main
from zopa.errors import ScenarioError
from zopa.forecast import load_forecast

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "forecast"


def test_decide_file_loads() -> None:
    data = load_forecast(FIX / "small.decide.csv")
    assert data.actors == ("north", "south", "east") and data.issues == ("line",)
    assert data.position[:, 0].tolist() == [20.0, 80.0, 50.0]
    assert (data.low[0], data.high[0]) == (0.0, 100.0)


def test_decide_errors_name_line_and_column(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIX / "with_errors.decide.csv"
    with pytest.raises(ScenarioError) as exc:
        load_forecast(path)
    msg = str(exc.value)
    assert len(exc.value.problems) == 2
    assert f"{path}:7:4" in msg and "position 160 is outside" in msg
    assert f"{path}:8:6" in msg and "power -0.25 is negative" in msg
    assert main(["forecast", str(path)]) == 2
    assert ":7:4" in capsys.readouterr().err


def test_csv_compromise_by_hand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = load_forecast(FIX / "emissions.csv")
    assert data.issues == ("emissions",) and (data.low[0], data.high[0]) == (4.0, 10.0)
    png = tmp_path / "t.png"
    path = str(FIX / "emissions.csv")
    assert main(["forecast", path, "--json", "--trace", "--plot", str(png)]) == 0
    out = json.loads(capsys.readouterr().out)
    w = np.array([0.16 * 0.8, 0.16 * 0.6, 0.1 * 0.9])
    x = np.array([4.0, 10.0, 5.0])
    assert out["issues"]["emissions"]["compromise"] == pytest.approx(float(w @ x / w.sum()))
    assert out["issues"]["emissions"]["median"] == 5.0  # PL holds the weighted median
    assert set(out["trace"]["eum"]["emissions"]["positions"]) == {"DE", "FR", "PL"}
    assert png.stat().st_size > 1000


def test_deu_like_table_and_backtest(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIX / "deu_like.csv"
    data = load_forecast(path)
    assert data.actors == ("com", "de", "fr") and data.issues == ("1", "2")
    assert data.outcome.tolist() == [50.0, 20.0]
    assert np.isnan(data.position[1, 1])  # de takes no part in issue 2
    gdp = load_forecast(path, capability="gdp")
    assert gdp.capability[1, 0] == 1.0 and gdp.capability[2, 0] == pytest.approx(2500 / 3000)
    assert main(["backtest", str(path), "--model", "compromise", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["models"]["compromise"]
    c1 = (0.6 * 40 + 0.8 * 30 + 0.5 * 70) / (0.6 + 0.8 + 0.5)
    c2 = (0.4 * 10 + 0.2 * 30) / (0.4 + 0.2)
    assert out["n"] == 2
    assert out["mae"] == pytest.approx((abs(c1 - 50) + abs(c2 - 20)) / 2)


def test_forecast_size_limits_are_refused_up_front(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "many.csv"
    rows = "".join(f"a{i},{i % 100},0.5,1\n" for i in range(2000))
    p.write_text("actor,position,salience,capability\n" + rows)
    assert main(["forecast", str(p)]) == 2
    err = capsys.readouterr().err
    assert "2,000 actors, over the limit of 300" in err and "many.csv" in err
    assert main(["forecast", str(p), "--model", "compromise", "--json"]) == 0  # linear: fine
    capsys.readouterr()
    wide = tmp_path / "wide.csv"
    body = "".join(f"a{i % 100},{i % 7},0.5,1,i{i // 100}\n" for i in range(50_000))
    wide.write_text("actor,position,salience,capability,issue\n" + body)
    assert main(["forecast", str(wide), "--model", "exchange"]) == 2
    assert "exchange model" in capsys.readouterr().err


def test_text_parsers_give_what_load_forecast_gives(tmp_path: Path) -> None:
    """``zopa.forecast.parse_*`` read text (no file) into the same arrays as the file reader."""
    from zopa.forecast import parse_csv, parse_decide, parse_deu, parse_yaml, read_decide

    yaml_file = tmp_path / "f.yaml"
    yaml_file.write_text(
        "issues: {em: {label: Emissions, low: 4, high: 10}}\n"
        "actors:\n  DE: {capability: 0.16, issues: {em: {position: 4, salience: 0.8}}}\n"
    )
    pairs = [
        (parse_csv, FIX / "emissions.csv"),
        (parse_decide, FIX / "small.decide.csv"),
        (parse_deu, FIX / "deu_like.csv"),
        (parse_yaml, yaml_file),
    ]
    for parse, path in pairs:
        got, want = parse(path.read_text(), source=str(path)), load_forecast(path)
        assert (got.actors, got.issues, got.labels, got.group) == (
            want.actors,
            want.issues,
            want.labels,
            want.group,
        )
        for name in ("position", "salience", "capability", "low", "high", "outcome"):
            np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)
    decided = read_decide(FIX / "small.decide.csv")
    assert decided.labels == {"line": "Ceasefire line"} and decided.position[0, 0] == 20.0
