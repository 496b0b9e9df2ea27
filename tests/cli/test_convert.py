"""zopa convert: the one writer, the file name given, and every loss reported."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.conftest import EXAMPLES
from zopa.analysis import analyze
from zopa.cli import main
from zopa.io import load_any

UKRAINE = EXAMPLES / "ukraine-2025.yaml"


def _without_what_genius_cannot_hold(s):
    """The oracle: the scenario as GENIUS can hold it (red lines and constraints dropped,
    every party with preferences negotiating), built directly, not through any writer."""
    parties = tuple(
        dataclasses.replace(
            p, role="party", preferences=dataclasses.replace(p.preferences, red_lines=())
        )
        for p in s.parties
        if p.preferences is not None
    )
    return dataclasses.replace(s, parties=parties, constraints=())


def test_zopa_to_zopa_is_exact_and_keeps_events(tmp_path, capsys):
    for name in ("copy.yaml", "copy.json"):
        target = tmp_path / name
        assert main(["convert", str(UKRAINE), str(target), "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["exact"] is True and report["losses"] == []
        assert report["files"] == [str(target)]
        back = load_any(target)
        assert back == load_any(UKRAINE) and back.events


def test_genius_reports_every_loss_and_keeps_the_zone_it_can(tmp_path, capsys):
    target = tmp_path / "genius"
    assert main(["convert", str(UKRAINE), str(target)]) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    for what in ("red lines:", "constraints:", "drafts:", "events:", "roles:", "power:"):
        assert any(what in line for line in lines), what
    assert any("values rescaled" in line for line in lines)
    assert "ok" in captured.out
    original = load_any(UKRAINE)
    back = load_any(target)
    assert analyze(original).zone.size == 3187
    oracle = analyze(_without_what_genius_cannot_hold(original)).zone.size
    assert analyze(back).zone.size == oracle  # rescaling changed nothing GENIUS can express
    assert oracle != 47_048  # the old writer's zone: values rescaled by GENIUS's reader


def test_json_report_and_file_name_given(tmp_path, capsys):
    target = tmp_path / "out" / "talks.xml"
    assert main(["convert", str(UKRAINE), str(target), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["format"] == "genius" and report["exact"] is False
    assert report["files"][0] == str(target) and target.is_file()  # a file, not a folder
    assert any(x.startswith("red lines:") for x in report["losses"])
    assert report["created_folders"] == [str(tmp_path / "out")]
    assert load_any(target).outcomes == load_any(UKRAINE).outcomes


def test_geniusweb_folder(tmp_path, capsys):
    target = tmp_path / "gw"
    assert main(["convert", str(UKRAINE), str(target), "--to", "geniusweb", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert any("red lines" in x for x in report["losses"])
    oracle = _without_what_genius_cannot_hold(load_any(UKRAINE))
    assert analyze(load_any(target)).zone.size == analyze(oracle).zone.size


def test_existing_targets_are_refused_without_force(tmp_path, capsys):
    yaml_target = tmp_path / "x.yaml"
    yaml_target.write_text("keep")
    assert main(["convert", str(UKRAINE), str(yaml_target)]) == 2
    assert "--force" in capsys.readouterr().err and yaml_target.read_text() == "keep"
    assert main(["convert", str(UKRAINE), str(yaml_target), "--force"]) == 0
    folder = tmp_path / "g"
    assert main(["convert", str(UKRAINE), str(folder)]) == 0
    capsys.readouterr()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert main(["convert", str(UKRAINE), str(folder)]) == 2
    assert "would replace" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.parametrize(
    ("target", "to", "message"),
    [("x.docx", None, "cannot tell the format"), ("x.txt", "zopa", ".yaml, .yml or .json")],
)
def test_bad_targets(target, to, message, tmp_path, capsys):
    argv = ["convert", str(UKRAINE), str(tmp_path / target)] + (["--to", to] if to else [])
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
