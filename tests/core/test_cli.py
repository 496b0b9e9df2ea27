"""The zopa CLI: JSON shapes, human output, plots."""

from __future__ import annotations

import json

from zopa.cli import main


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_analyze_json_shape(capsys, examples):
    d = _json(capsys, ["analyze", str(examples / "logrolling.yaml"), "--json"])
    assert d["outcomes"] == 27
    assert d["zone"] == {"exists": True, "size": d["zone"]["size"], "exact": True}
    assert set(d["solutions"]) == {
        "nash",
        "nash_weighted",
        "kalai_smorodinsky",
        "egalitarian",
        "utilitarian",
    }
    s = d["solutions"]["nash"]
    assert set(s) >= {"package", "utilities"}
    assert d["frontier"]["size"] == len(d["frontier"]["packages"])
    assert d["frontier"]["truncated"] is False
    assert d["concessions"] is None and d["engine"] == "enumerate"


def test_numeric_options_print_as_numbers(capsys, examples):
    d = _json(capsys, ["analyze", str(examples / "no-overlap.yaml"), "--json"])
    assert d["zone"]["exists"] is False
    assert all(v is None for v in d["solutions"].values())
    assert d["concessions"]["uniform"]["package"] == {"price": 310000}


def test_evaluate_and_compare(capsys, examples):
    f = str(examples / "logrolling.yaml")
    e = _json(capsys, ["evaluate", f, "split", "--json"])
    assert e["dominated"] is True and e["in_zone"] is True
    e = _json(capsys, ["evaluate", f, "pay=high,holidays=mid,start=early", "--json"])
    assert e["dominated"] is False
    c = _json(capsys, ["compare", f, "split", "logroll", "--json"])
    assert {x["issue"] for x in c["changed"]} == {"pay", "start"}
    assert main(["compare", f, "split", "logroll"]) == 0
    assert "verdict" in capsys.readouterr().out


def test_bad_arguments_exit_2(capsys, examples):
    f = str(examples / "logrolling.yaml")
    assert main(["evaluate", f, "nosuchdraft"]) == 2
    assert "unknown draft `nosuchdraft`" in capsys.readouterr().err
    assert main(["evaluate", f, "pay=huge,holidays=mid,start=early"]) == 2
    assert "unknown option `huge`" in capsys.readouterr().err
    assert main(["analyze", f, "--engine", "magic"]) == 2


def test_plot_and_human_output(tmp_path, capsys, examples):
    out = tmp_path / "u.png"
    assert main(["analyze", str(examples / "ukraine-2025.yaml"), "--plot", str(out)]) == 0
    text = capsys.readouterr().out
    assert "agreement zone" in text and "Nash" in text
    assert out.stat().st_size > 10_000 and out.read_bytes()[:4] == b"\x89PNG"


def test_validate_and_schema(capsys, examples):
    assert main(["validate", str(examples / "ukraine-2025.yaml")]) == 0
    assert "ok" in capsys.readouterr().out
    schema = _json(capsys, ["schema"])
    assert "issues" in schema["properties"] and "parties" in schema["required"]
