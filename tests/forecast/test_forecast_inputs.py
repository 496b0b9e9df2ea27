"""Reading forecast inputs: decide, CSV, YAML, DEU III, and the errors each gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zopa.errors import ScenarioError
from zopa.forecast import load_forecast, parse_decide
from zopa.io import files as files_mod

FIXTURES = Path(__file__).parent.parent / "fixtures" / "forecast"


def test_decide_samples_load(shared_data: Path) -> None:
    cop = load_forecast(shared_data / "decide" / "decide_cop21.csv")
    assert cop.position.shape == (15, 13)
    assert np.isnan(cop.position).sum() == 14  # actors missing on some issues
    sample = load_forecast(shared_data / "decide" / "decide_sample_data.txt")
    j = sample.issues.index("tol-hoogte")
    assert (sample.low[j], sample.high[j]) == (0.5, 7.0)


def test_decide_file_with_errors_lists_every_bad_row(shared_data: Path) -> None:
    path = shared_data / "decide" / "decide_copenhagen_with_errors.csv"
    with pytest.raises(ScenarioError) as exc:
        load_forecast(path)
    msg = str(exc.value)
    assert len(exc.value.problems) == 2
    assert f"{path}:86:4" in msg and "position 160 is outside" in msg
    assert f"{path}:87:6" in msg and "power -0.247 is negative" in msg
    assert msg.count("hint:") == 2


def test_decide_many_errors_at_once() -> None:
    text = (
        "#A\tUSA\tUSA\n#A\tEU\tEU\n#P\tx\tX\n#M\tx\t0\n#M\tx\t10\n"
        "#D\tUSA\tx\t5\t0.5\t1\n"
        "#D\tUSAA\tx\t5\t0.5\t1\n"  # unknown actor (close to USA)
        "#D\tEU\tx\tfive\t0.5\t1\n"  # not a number
        "#D\tEU\ty\t5\t1.5\t1\n"  # unknown issue
        "#D\tEU\n"  # too few fields
        "#Q\tfoo\n"  # unknown kind
        "#D\tUSA\tx\t5\t0.5\t1\n"  # duplicate
        "#D\tEU\tx\t11\t1.5\t1\n"  # out of scale and salience > 1
    )
    with pytest.raises(ScenarioError) as exc:
        parse_decide(text, source="t.csv")
    msg = str(exc.value)
    for part in (
        "t.csv:7",
        "did you mean 'USA'",
        "t.csv:8:4",
        "'five' is not a number",
        "unknown issue 'y'",
        "t.csv:10",
        "2 field(s), 6 needed",
        "unknown row kind '#Q'",
        "second row for this actor",
        "t.csv:13:4",
        "salience 1.5 is outside",
    ):
        assert part in msg, part


def test_quoted_decide_fields_and_missing_actor() -> None:
    text = "'#A'\t'a'\t'a'\t''\n'#A'\t'b'\t'b'\t''\n'#P'\t'x'\t'x'\n'#D'\t'a'\t'x'\t1.0\t0.5\t1\n"
    data = parse_decide(text)
    assert data.actors == ("a", "b") and np.isnan(data.position[1, 0])


def test_csv_bdm(shared_data: Path) -> None:
    data = load_forecast(shared_data / "bdm" / "bdm_example_actors_eu_emissions.csv")
    assert data.issues == ("issue",) and len(data.actors) == 10
    assert (data.low[0], data.high[0]) == (4.0, 10.0)


def test_csv_with_issue_column_and_percent_saliences(tmp_path: Path) -> None:
    p = tmp_path / "f.csv"
    p.write_text(
        "actor,issue,position,salience,power,outcome\n"
        "a,x,10,80,1,20\nb,x,30,40,2,20\nb,y,1,100,2,\n"
    )
    data = load_forecast(p)
    assert data.issues == ("x", "y")
    assert data.salience[0, 0] == pytest.approx(0.8)
    assert data.outcome[0] == 20 and np.isnan(data.outcome[1])
    assert np.isnan(data.position[0, 1])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("actor,position\na,1\n", "missing column(s) salience, capability"),
        ("actor,position,salience,capability\na,high,0.5,1\n", ":2:2: actor a: position 'high'"),
        ("actor,position,salience,capability\n", "no data rows"),
        ("actor,position,salience,capability\na,1,0.5,-1\n", "capability -1 is negative"),
    ],
)
def test_csv_errors(tmp_path: Path, content: str, expected: str) -> None:
    p = tmp_path / "f.csv"
    p.write_text(content)
    with pytest.raises(ScenarioError) as exc:
        load_forecast(p)
    assert expected in str(exc.value)
    assert "hint:" in str(exc.value)


def test_empty_non_utf8_missing_and_huge_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "e.csv"
    empty.write_text("  \n")
    with pytest.raises(ScenarioError, match="empty"):
        load_forecast(empty)
    latin = tmp_path / "l.csv"
    latin.write_bytes("actor,position,salience,capability\nK\xf6ln,1,1,1\n".encode("latin-1"))
    with pytest.raises(ScenarioError, match=r"l\.csv:2: the file is not UTF-8"):
        load_forecast(latin)
    with pytest.raises(ScenarioError, match="no such file"):
        load_forecast(tmp_path / "nope.csv")
    monkeypatch.setattr(files_mod, "MAX_FILE_BYTES", 10)
    with pytest.raises(ScenarioError, match="over the"):
        load_forecast(latin)


def test_yaml_input_and_errors(tmp_path: Path) -> None:
    p = tmp_path / "f.yaml"
    p.write_text(
        "issues:\n  em: {label: Emissions, low: 4, high: 10, outcome: 8.83}\n"
        "actors:\n"
        "  DE: {capability: 0.16, issues: {em: {position: 4, salience: 0.8}}}\n"
        "  FR: {capability: 0.16, issues: {em: {position: 10, salience: 0.6}}}\n"
    )
    data = load_forecast(p)
    assert data.labels["em"] == "Emissions" and data.outcome[0] == 8.83
    bad = tmp_path / "b.yaml"
    bad.write_text("actors:\n  DE: {capability: 1, issues: {em: {position: x, salience: 1}}}\n")
    with pytest.raises(ScenarioError, match=r"actors\.DE\.issues\.em\.position"):
        load_forecast(bad)
    broken = tmp_path / "c.yaml"
    broken.write_text("actors: [\n")
    with pytest.raises(ScenarioError, match="invalid YAML"):
        load_forecast(broken)


def test_deu3_table(shared_data: Path) -> None:
    data = load_forecast(shared_data / "deu3" / "deu3_blksv.csv")
    assert len(data.issues) == 353 and len(data.actors) == 30
    assert not np.isnan(data.outcome).any()
    present = data.present
    # a missing salience counts as 50, absent actors are left out
    assert np.nanmin(data.salience[present]) >= 0 and np.isnan(data.salience[~present]).all()
    gdp = load_forecast(shared_data / "deu3" / "deu3_blksv.csv", capability="gdp")
    assert np.nanmax(gdp.capability) == 1.0 and np.nanmin(gdp.capability) < 0.1


def test_a_ragged_csv_row_is_refused_with_file_and_line(tmp_path: Path, capsys) -> None:
    """`zopa backtest` cut a row with a seventh cell to six without a word."""
    from zopa.cli import main

    f = tmp_path / "ragged.csv"
    f.write_text(
        "actor,position,salience,capability,issue,outcome\n"
        "DE,4,0.8,0.16,emissions,6\n"
        "FR,10,0.6,0.16,emissions,6,99\n"  # one cell too many (a stray comma?)
        "UK,10,0.9\n"  # three cells short
        "IT,10,0.6,0.16,emissions,6,,\n"  # empty trailing cells are fine
    )
    with pytest.raises(ScenarioError) as info:
        load_forecast(f)
    msg = str(info.value)
    assert f"{f}:3:7" in msg and "7 cells but the header has 6" in msg and "`99`" in msg
    assert f"{f}:4" in msg and "3 cell(s) but the header has 6" in msg
    assert ":5" not in msg
    assert main(["backtest", str(f)]) == 2
    assert "ragged.csv:3:7" in capsys.readouterr().err


def test_a_decide_data_row_with_an_extra_field_is_refused() -> None:
    text = "#A\ta\tA\n#P\tp\tP\n#D\ta\tp\t40\t0.5\t1\t77\n"
    with pytest.raises(ScenarioError) as info:
        parse_decide(text, source="x.csv")
    assert "x.csv:3" in str(info.value) and "`77` would be ignored" in str(info.value)
    parse_decide(text.replace("\t77", "\t"), source="x.csv")  # a trailing tab is fine


def test_a_ragged_deu_row_is_refused_with_file_and_line(tmp_path: Path, capsys) -> None:
    """The DEU III reader (tab-separated) dropped cells past the header and padded short rows
    without a word; both are refused like the comma-separated reader's."""
    from zopa.cli import main

    good = (FIXTURES / "deu_like.csv").read_text().split("\n")
    long_row, short_row = list(good), list(good)
    long_row[3] += "\t99\t98"
    short_row[2] = "\t".join(short_row[2].split("\t")[:6])
    for name, lines, where, what in (
        ("long.csv", long_row, ":4:10", "11 cells but the header has 9"),
        ("short.csv", short_row, ":3", "6 cell(s) but the header has 9"),
    ):
        f = tmp_path / name
        f.write_text("\n".join(lines))
        with pytest.raises(ScenarioError) as info:
            load_forecast(f)
        assert f"{f}{where}" in str(info.value) and what in str(info.value)
        assert main(["backtest", str(f)]) == 2
        assert f"{name}{where}" in capsys.readouterr().err
    load_forecast(FIXTURES / "deu_like.csv")  # the well-formed table still reads
