"""Tables a person can read: at 80 columns nothing is dropped or broken mid-word, redirected
output carries every value in full, and the answers say what they mean."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from tests.conftest import EXAMPLES
from zopa.analysis import analyze, evaluate
from zopa.cli import main
from zopa.io import load_scenario
from zopa.report.fit import PIPE_WIDTH, console_width, fits
from zopa.report.tables import render_analysis, render_evaluation
from zopa.vocab import solution, value_label

UKRAINE = EXAMPLES / "ukraine-2025.yaml"


def _render(fn, *args, width: int) -> str:
    buf = io.StringIO()
    fn(*args, Console(file=buf, width=width, color_system=None, highlight=False))
    return buf.getvalue()


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w.,:;=()'+-]+", text))


@pytest.fixture(scope="module")
def ukraine():
    s = load_scenario(UKRAINE)
    return s, analyze(s)


@pytest.mark.parametrize("width", [80, 100, PIPE_WIDTH])
def test_analyze_keeps_every_solution_and_every_word_whole(ukraine, width):
    s, a = ukraine
    out = _render(render_analysis, a, s, width=width)
    assert max(len(line) for line in out.splitlines()) <= width
    assert "…" not in out
    words = _words(out)
    for key, pt in a.solutions.items():
        assert pt is not None
        assert solution(key).short in out  # no solution dropped
        for issue, option in pt.package.items():  # every option id whole, never folded
            iss = s.issue(issue)
            shown = value_label(iss, option).split()[0] if iss.numeric else str(option)
            assert any(shown in w for w in words), (key, issue, option)


def test_redirected_output_is_full_width_and_complete(ukraine, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    assert console_width(io.StringIO()) == PIPE_WIDTH
    monkeypatch.setenv("COLUMNS", "80")
    assert console_width(io.StringIO()) is None  # the user's COLUMNS wins
    s, a = ukraine
    out = _render(render_analysis, a, s, width=PIPE_WIDTH)
    nash = a.solutions["nash"]
    assert nash is not None
    row = next(line for line in out.splitlines() if "(nato)" in line)
    assert str(nash.package["nato"]) in row  # one row, the full id, no wrap


def test_fits_counts_whole_words():
    assert fits(20, [["a"], ["constitutional_ban"]]) is False
    assert fits(40, [["a"], ["constitutional_ban"]]) is True
    assert fits(12, [["a few short words"]]) is True  # wraps between words


def test_the_frontier_lists_packages_sorted_and_against_the_nash_package(ukraine):
    s, a = ukraine
    out = _render(render_analysis, a, s, width=PIPE_WIDTH)
    block = out[out.index("Pareto frontier of the zone") :]
    assert "differs from the Nash package on" in block
    rows = [line for line in block.splitlines() if re.match(r"│ \d+ ", line)]
    assert len(rows) == 10
    firsts = [float(line.split("│")[2]) for line in rows]
    assert firsts == sorted(firsts, reverse=True)  # sorted by the first party
    assert "nothing: it is the Nash package" in block or "=" in rows[0]


def test_nash_distance_is_explained_and_unchanged_edits_are_said():
    s = load_scenario(UKRAINE)
    e = evaluate(s, "plan-20", edits=["army_cap=900000", "nato=consensus"])
    assert e.notes[0].startswith("nato=consensus changes nothing: plan-20 already has")
    assert not any("army_cap" in n for n in e.notes)
    out = _render(render_evaluation, e, s, width=80)
    text = " ".join(out.split())
    assert "nato=consensus changes nothing" in text
    assert "distance to the Nash package" in text and "apart" in text
    assert "straight-line distance between the two lists of utilities" in text


def test_tournament_has_one_denominator_and_runs_twice(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    water = EXAMPLES / "negotiation" / "water.yaml"
    (tmp_path / "water.yaml").write_bytes(water.read_bytes())
    cfg = tmp_path / "t.yaml"
    cfg.write_text(
        "scenarios: [water.yaml]\nstrategies: [boulware, hardliner, conceder]\n"
        "protocol: alternating\ndeadline: 20\nrepetitions: 1\nseed: 1\n"
    )
    assert main(["tournament", str(cfg), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    for r in first["ranking"]:  # a rate over the sessions it played: k / sessions
        k = r["agreement_rate"] * r["sessions"]
        assert abs(k - round(k)) < 1e-9
    assert main(["tournament", str(cfg)]) == 0  # the same command again: a new folder
    out = capsys.readouterr().out
    assert "results written to out/t-results-2" in out
    assert "share of the sessions a strategy played" in " ".join(out.split())
    assert Path(first["results"]).name == "t-results"
