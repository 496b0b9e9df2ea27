"""Faults the readers' fuzz tests found while this branch landed, pinned as plain tests."""

from __future__ import annotations

from zopa.cli import main


def test_unknown_xml_encoding_is_an_input_error(tmp_path, capsys):
    bad = tmp_path / "domain.xml"
    bad.write_text('<?xml version="1.0" encoding="TTF-8"?>\n<negotiation_template/>\n')
    assert main(["analyze", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "unknown encoding: TTF-8" in err and str(bad) in err and "bug in zopa" not in err


# ------------------------------------------------- hostile labels (issue 22 §5)

import os  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from zopa.model.spec import MAX_LABEL, MAX_RULE, MAX_TEXT  # noqa: E402

LOGROLLING = Path(__file__).resolve().parents[2] / "examples" / "logrolling.yaml"


def _scenario(tmp_path: Path, old: str, new: str) -> Path:
    text = LOGROLLING.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "hostile.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "where", "limit"),
    [
        ("label: Pay rise", 'label: "' + "W" * 100_000 + '"', "issues[0].label", MAX_LABEL),
        ("label: Pay rise", 'label: "' + "x" * 1_000_000 + '"', "issues[0].label", MAX_LABEL),
        ("title: Log-rolling", "title: " + "t" * (MAX_LABEL + 1) + " Log-rolling", "title", 200),
        ("description: Three", "description: " + "d" * MAX_TEXT + " Three", "description", 0),
        (
            "reservation: 0.3",
            "reservation: 0.3\n      red_lines: ['" + "(" * (MAX_RULE + 1) + "']",
            "",
            0,
        ),
    ],
    ids=["100KB-label", "1MB-label", "title", "description", "red-line"],
)
def test_hostile_lengths_are_refused_where_read(tmp_path, capsys, old, new, where, limit):
    path = _scenario(tmp_path, old, new)
    out = tmp_path / "r.html"
    assert main(["report", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and where in err and "over the limit" in err
    if limit:
        assert f"limit of {limit:,}" in err
    assert len(err) < 5_000 and not out.exists()


def test_a_label_at_the_limit_is_read(tmp_path, capsys):
    path = _scenario(tmp_path, "label: Pay rise", "label: " + "W" * MAX_LABEL)
    assert main(["validate", str(path)]) == 0


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "a\\udc80b"])
def test_a_lone_surrogate_in_a_label_is_an_input_error(tmp_path, capsys, escape):
    path = _scenario(tmp_path, "label: Pay rise", f'label: "Pay {escape} rise"')
    for argv in (["report", str(path), "-o", str(tmp_path / "r.html")], ["analyze", str(path)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        # refused by the YAML reader (the escape) or the label check, with the line either way
        assert "hostile.yaml:8" in err and "bug" not in err
        assert "lone surrogate" in err or "invalid Unicode character escape" in err


def test_a_lone_surrogate_in_json_is_an_input_error(tmp_path, capsys):
    import json

    import yaml

    data = yaml.safe_load(LOGROLLING.read_text(encoding="utf-8"))
    data["parties"][0]["label"] = "Union \ud83d"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data), encoding="ascii")  # json writes it as \\ud83d
    assert main(["analyze", str(path)]) == 2
    assert "parties[0].label" in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix", reason="undecodable file names are a POSIX matter")
def test_an_undecodable_file_name_is_written_escaped_never_a_crash(tmp_path, capsys):
    """A file name that is not UTF-8 reaches Python as a lone surrogate (\\udcff)."""
    raw = os.fsencode(str(tmp_path)) + b"/\xff.yaml"
    with open(raw, "wb") as fh:
        fh.write(LOGROLLING.read_bytes())
    name = os.fsdecode(raw)
    out = tmp_path / "r.html"
    assert main(["report", name, "-o", str(out)]) == 0
    assert "\\udcff" in out.read_text(encoding="utf-8")
    assert main(["analyze", name]) == 0
    assert main(["validate", name]) == 0
    capsys.readouterr()


BIG = "N" * 100_000


def _conflict_with_big_label(tmp: Path) -> Path:
    src = Path(__file__).resolve().parents[2] / "examples" / "conflicts" / "nuclear_talks.yaml"
    text = src.read_text(encoding="utf-8").replace("Sanctioning coalition", BIG, 1)
    (tmp / "c.yaml").write_text(text, encoding="utf-8")
    return tmp / "c.yaml"


@pytest.mark.parametrize(
    ("command", "name", "content"),
    [
        (["forecast"], "f.csv", f"actor,position,salience,capability\n{BIG},4,0.8,0.16\nB,6,1,1\n"),
        (
            ["backtest"],
            "f.csv",
            f"actor,position,salience,capability,issue,outcome\nA,4,1,1,{BIG},5\n",
        ),
        (["forecast"], "f.decide.csv", f"#A\t{BIG}\tA\n#P\tp\tP\n#D\t{BIG}\tp\t40\t0.5\t1\n"),
        (
            ["forecast"],
            "f.json",
            '{"actors": {"'
            + BIG
            + '": {"capability": 1, "issues": {"e": {"position": 1, "salience": 1}}}}}',
        ),
        (["stability"], None, None),
        (["tournament"], "t.yaml", f"scenarios: [x.yaml]\nstrategies: [{BIG}]\n"),
    ],
    ids=["forecast-csv", "backtest-csv", "decide", "forecast-json", "conflict", "tournament"],
)
def test_a_100kb_name_is_refused_by_every_reader(tmp_path, capsys, command, name, content):
    """Names are drawn in tables and plots: a 200 KB actor name made `zopa forecast --plot`
    take 3 GB and time out, as 100 KB labels did to `zopa report`."""
    if name is None:
        path = _conflict_with_big_label(tmp_path)
    else:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
    assert main([*command, str(path)]) == 2
    err = capsys.readouterr().err
    assert path.name in err and "over the limit of 200" in err and len(err) < 5_000
