"""``zopa stability`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zopa.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "conflicts" / "nuclear_talks.yaml"


def test_json_shape(fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stability", str(fixtures / "gmcr" / "Chicken.gmcr"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["states"][1] == {"id": 2, "pattern": "YN"}
    assert set(out["stability"]) == {"nash", "gmr", "smr", "seq"}
    assert out["stability"]["nash"] == {
        "per_dm": {"dm1": [2, 3], "dm2": [2, 3]},
        "equilibria": [2, 3],
    }


def test_tables_coalitions_status_quo_and_plot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "graph.png"
    code = main(["stability", str(EXAMPLE), "--coalitions", "--status-quo", "--plot", str(png)])
    out = capsys.readouterr().out
    assert code == 0 and png.stat().st_size > 1000
    for text in (
        "Nash (R)",
        "GMR (general metarationality)",
        "SMR (symmetric metarationality)",
        "SEQ (sequential stability)",
        "equilibria",
        "west + iran",
        "from the status quo (state 6)",
    ):
        assert text in out


def test_bad_input_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("decision_makers: []\n")
    assert main(["stability", str(bad)]) == 2
    assert "bad.yaml" in capsys.readouterr().err
