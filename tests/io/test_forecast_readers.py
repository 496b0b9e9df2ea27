"""The forecast readers of ``zopa.io.forecast``: each format read into frozen records, and each
hostile file refused with its file and place (exit 2 from the commands that read them)."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from zopa.cli import main
from zopa.errors import ScenarioError
from zopa.io import files as files_mod
from zopa.io.forecast import (
    ForecastCell,
    ForecastIssue,
    ForecastTable,
    parse_csv,
    parse_decide,
    parse_deu,
    read_forecast,
)
from zopa.model import Scenario

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "forecast"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _cells(table: ForecastTable) -> dict[tuple[str, str], tuple[float, float, float]]:
    return {(c.actor, c.issue): (c.position, c.salience, c.capability) for c in table.cells}


def test_each_format_reads_into_frozen_records() -> None:
    decide = read_forecast(FIX / "small.decide.csv")
    assert isinstance(decide, ForecastTable)
    assert decide.actors == ("north", "south", "east")
    assert decide.issues == (ForecastIssue("line", 0.0, 100.0, label="Ceasefire line"),)
    assert _cells(decide)[("south", "line")] == (80.0, 0.6, 1.0)

    csv = read_forecast(FIX / "emissions.csv")
    assert isinstance(csv, ForecastTable)
    # no low/high columns: the scale runs over the positions
    assert csv.issues == (ForecastIssue("emissions", 4.0, 10.0, label="emissions"),)
    assert _cells(csv)[("PL", "emissions")] == (5.0, 0.9, 0.1)

    deu = read_forecast(FIX / "deu_like.csv", capability="gdp")
    assert isinstance(deu, ForecastTable)
    assert [(i.id, i.outcome, i.group) for i in deu.issues] == [("1", 50.0, "1"), ("2", 20.0, "1")]
    cells = _cells(deu)
    assert ("de", "2") not in cells  # no position: no cell
    assert cells[("fr", "1")] == (70.0, 0.5, 2500 / 3000)
    assert math.isnan(cells[("com", "1")][2])  # no GDP figure for the Commission

    with pytest.raises(dataclasses.FrozenInstanceError):
        deu.cells[0].position = 1.0  # type: ignore[misc]
    assert isinstance(deu.cells, tuple) and isinstance(deu.cells[0], ForecastCell)


def test_csv_conventions_percent_saliences_and_last_outcome() -> None:
    table = parse_csv(
        "Actor;Power;Position;Salience;Issue;Outcome;Low;High\n"
        "a;1;10;80;x;20;0;100\n"
        "b;2;30;40;x;25;;\n"
        "b;2;1;100;y;;;\n",
        source="t.csv",
    )
    assert table.source == "t.csv" and table.actors == ("a", "b")
    x, y = table.issues
    assert (x.low, x.high, x.outcome) == (0.0, 100.0, 25.0)  # the last row with one wins
    assert (y.low, y.high, y.outcome) == (1.0, 1.0, None)
    assert _cells(table)[("a", "x")] == (10.0, 0.8, 1.0)  # 0-100 saliences divided by 100


def test_a_scenario_file_is_read_as_a_scenario() -> None:
    assert isinstance(read_forecast(EXAMPLES / "ukraine-2025.yaml"), Scenario)


def test_decide_and_deu_text_without_a_file() -> None:
    deu = parse_deu("isnr\tout\tpcom\tscom\n\t\t\t\n7\t40\t55\t\n7\t60\t45\t20\n")
    assert [i.id for i in deu.issues] == ["7", "7#2"]  # repeated issue numbers kept apart
    assert [c.salience for c in deu.cells] == [0.5, 0.2]  # a missing salience counts as 50
    with pytest.raises(ScenarioError, match="unknown capability 'size'"):
        parse_deu("isnr\tout\n", capability="size")
    decide = parse_decide("#A\ta\tA\n#P\tp\tP\n#M\tp\t-5\n#M\tp\t5\n#D\ta\tp\t-5\t1\t0\n")
    assert decide.issues[0].low == -5.0 and decide.cells[0].capability == 0.0


@pytest.mark.parametrize(
    ("gdp", "where", "what"),
    [
        ("\t\t\t0\t\t0\t", ":2", "the GDP row holds no positive figure"),
        ("\t\t\t\t\t\t", ":2", "the GDP row holds no positive figure"),
        ("\t\t\t5\t\t-3\t", ":2:6", "GDP figure -3 is negative"),
    ],
)
def test_a_gdp_row_that_cannot_give_capabilities_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], gdp: str, where: str, what: str
) -> None:
    """It gave NaN or negative capabilities (a forecast of nothing, or a wrong one)."""
    f = tmp_path / "deu.csv"
    f.write_text(f"isnr\tprnr\tout\tpcom\tscom\tpb\tsb\n{gdp}\n1\t1\t50\t40\t\t60\t30\n")
    assert isinstance(read_forecast(f), ForecastTable)  # equal capabilities need no GDP
    assert main(["backtest", str(f), "--capability", "gdp"]) == 2
    err = capsys.readouterr().err
    assert f"deu.csv{where}" in err and what in err and "hint:" in err


HOSTILE = {
    "ragged.csv": (b"actor,position,salience,capability\nDE,4,0.8,0.16,9\n", "ragged.csv:2:5"),
    "nan.csv": (b"actor,position,salience,capability\nDE,nan,0.8,0.16\n", "nan.csv:2:2"),
    "inf.csv": (b"actor,position,salience,capability\nDE,4,inf,0.16\n", "inf.csv:2:3"),
    "latin.csv": ("actor,position,salience,capability\nK\xf6ln,4,1,1\n".encode("latin-1"), ":2"),
    "nan.yaml": (
        b"actors:\n  DE: {capability: .nan, issues: {x: {position: 1, salience: 1}}}\n",
        "nan.yaml:2",
    ),
    "ragged.decide.csv": (b"#A\ta\tA\n#P\tp\tP\n#D\ta\tp\t40\t0.5\t1\t77\n", "decide.csv:3"),
    "ragged_deu.csv": (
        b"isnr\tout\tpcom\tscom\n\t\t\t\n1\t50\t40\t60\t99\n",
        "ragged_deu.csv:3:5",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("command", ["forecast", "backtest"])
def test_hostile_inputs_exit_2_naming_file_and_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, command: str
) -> None:
    raw, place = HOSTILE[name]
    f = tmp_path / name
    f.write_bytes(raw)
    with pytest.raises(ScenarioError) as info:
        read_forecast(f)
    assert place in str(info.value)
    assert main([command, str(f)]) == 2
    err = capsys.readouterr().err
    assert place in err and "Traceback" not in err


def test_a_huge_forecast_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "huge.csv"
    f.write_text("actor,position,salience,capability\n" + "a,1,1,1\n" * 40)
    monkeypatch.setattr(files_mod, "MAX_FILE_BYTES", 100)
    assert main(["forecast", str(f)]) == 2
    err = capsys.readouterr().err
    assert "huge.csv" in err and "over the limit of 100" in err
