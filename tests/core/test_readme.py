"""The README's tour is real output: each `$ zopa ...` block is re-run and compared."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.conftest import ROOT
from zopa.cli import main

BLOCK = re.compile(r"```console\n\$ (zopa [^\n]+)\n(.*?)```", re.S)
TOUR = BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_has_a_tour():
    assert len(TOUR) >= 3


@pytest.mark.parametrize(("command", "expected"), TOUR, ids=[c for c, _ in TOUR])
def test_readme_output_is_current(command, expected, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(shlex.split(command)[1:]) == 0
    got = capsys.readouterr().out
    strip = lambda t: [line.rstrip() for line in t.strip().splitlines()]  # noqa: E731
    assert strip(got) == strip(expected)
