"""The enumeration progress bar of `zopa analyze`: only on a terminal, only for long scans,
and then drawn on stderr with the share done, while stdout keeps the answer."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from zopa.cli import main
from zopa.report import progress

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal, so Rich draws the live bar into it."""

    def isatty(self) -> bool:
        return True


def test_no_bar_for_a_short_scan_or_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr", _Terminal())
    assert progress.enumeration_progress(progress.SHOW_FROM - 1) == (None, None)
    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a terminal: a log file, a pipe
    assert progress.enumeration_progress(progress.SHOW_FROM * 10) == (None, None)


def test_the_bar_follows_the_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    err = _Terminal()
    monkeypatch.setattr("sys.stderr", err)
    bar, update = progress.enumeration_progress(progress.SHOW_FROM)
    assert bar is not None and update is not None
    (task,) = bar.tasks
    assert task.total == progress.SHOW_FROM and task.completed == 0
    with bar:
        update(progress.SHOW_FROM // 4, progress.SHOW_FROM)
        assert task.completed == progress.SHOW_FROM // 4
        assert task.percentage == pytest.approx(25.0)
        bar.refresh()
        drawn = err.getvalue()
        assert "enumerating" in drawn and " 25%" in drawn
        update(progress.SHOW_FROM, progress.SHOW_FROM)
        assert task.finished
    assert bar.console.file is err  # on stderr, never in the answer on stdout


def test_analyze_draws_the_bar_on_stderr_and_keeps_the_json_clean(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = str(EXAMPLES / "ukraine-2025.yaml")
    assert main(["analyze", scenario, "--engine", "enumerate", "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)

    err = _Terminal()
    monkeypatch.setattr(progress, "SHOW_FROM", 1)  # every scan is "long"
    monkeypatch.setattr("sys.stderr", err)
    assert main(["analyze", scenario, "--engine", "enumerate", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == plain  # the same answer, stdout untouched
    assert "enumerating" in err.getvalue()
