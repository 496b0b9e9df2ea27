"""Usage errors exit 2 with Typer's own message; --version; -h on every command."""

from __future__ import annotations

import re
import tomllib

import pytest

import zopa
from tests.conftest import EXAMPLES, ROOT
from zopa.cli import app, main

F = str(EXAMPLES / "logrolling.yaml")

USAGE_ERRORS = [
    (["analyze", F, "--bogus"], "No such option: --bogus"),
    (["analyze"], "Missing argument 'FILE'"),
    (["evaluate", F], "Missing argument 'DRAFT'"),
    (["analyze", F, "--frontier-limit", "many"], "Invalid value for '--frontier-limit'"),
    (["simulate", F, "--deadline", "1.5"], "Invalid value for '--deadline'"),
    (["forecast", F, "--rounds", "-3"], "Invalid value for '--rounds'"),
    (["nosuchcommand"], "No such command 'nosuchcommand'"),
    (["analyze", F, "--plot"], "Option '--plot' requires an argument"),
]


@pytest.mark.parametrize(
    ("argv", "message"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS]
)
def test_usage_errors_exit_2_with_typers_message(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    flat = re.sub(r"[\s│╭╮╰╯─]+", " ", err)
    assert message.lower() in flat.lower(), err
    assert "bug in zopa" not in err
    assert "Try 'zopa" in err or "Usage: zopa" in err or "requires an argument" in err


@pytest.mark.parametrize(
    ("argv", "choices"),
    [
        (["analyze", F, "--engine", "magic"], "'auto', 'enumerate', 'frontier', 'milp'"),
        (["convert", F, "x.yaml", "--to", "word"], "'zopa', 'genius', 'geniusweb'"),
        (["forecast", F, "--model", "oracle"], "'compromise', 'median', 'eum', 'exchange', 'all'"),
        (["stability", F, "--concept", "best"], "'nash', 'gmr', 'smr', 'seq'"),
        (["simulate", F, "--mediator", "judge"], "'hill-climbing', 'annealing'"),
    ],
)
def test_bad_choice_exits_2_and_lists_the_choices(argv, choices, capsys):
    assert main(argv) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"is not one of {choices}" in err and "Invalid value for '--" in err


def test_version(capsys):
    assert main(["--version"]) == 0
    out = capsys.readouterr().out.strip()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert out == f"zopa {zopa.__version__}" == f"zopa {project['version']}"


def _commands() -> list[str]:
    names = [c.name or c.callback.__name__ for c in app.registered_commands]  # type: ignore[union-attr]
    assert len(names) >= 10
    return names


@pytest.mark.parametrize("command", _commands())
def test_dash_h_is_help_on_every_command(command, capsys):
    assert main([command, "-h"]) == 0
    short = capsys.readouterr().out
    assert main([command, "--help"]) == 0
    assert short == capsys.readouterr().out
    assert f"Usage: zopa {command}" in short


def test_dash_h_at_the_top(capsys):
    assert main(["-h"]) == 0
    out = capsys.readouterr().out
    assert "--version" in out and "analyze" in out and "convert" in out


def test_no_arguments_shows_help_not_an_error(capsys):
    code = main([])
    out = capsys.readouterr()
    assert code in (0, 2)  # click shows the help for a bare group; never a fault
    assert "Usage: zopa" in out.out + out.err
