"""Usage errors exit 2 with Typer's own message; --version; -h on every command."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest

import zopa
from tests.conftest import EXAMPLES, ROOT
from zopa.cli import main
from zopa.cli.commands import load_all

F = str(EXAMPLES / "logrolling.yaml")
LOGROLL = F
FORECAST_EX = str(EXAMPLES / "forecast" / "territory.yaml")

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
    names = [c.name or c.callback.__name__ for c in load_all().registered_commands]  # type: ignore[union-attr]
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


# ------------------------------------------------ numeric options: one mechanism (issue 22 §5)


def _numeric_options() -> list[tuple[str, Any]]:
    import typing

    import typer.main

    from zopa.cli.commands import load_all

    found: list[tuple[str, Any]] = []

    def walk(cmd: Any, name: str) -> None:
        for sub, c in (getattr(cmd, "commands", None) or {}).items():
            walk(c, f"{name} {sub}".strip())
        for p in getattr(cmd, "params", ()):
            desc = getattr(p, "type_descriptor", None)
            if desc is None:
                continue
            ann = desc.annotation
            kinds = set(typing.get_args(ann)) | {ann}
            if kinds & {int, float} and not getattr(p, "is_flag", False):
                found.append((f"{name} --{p.name.replace('_', '-')}", p))

    walk(typer.main.get_command(load_all()), "")
    return found


def test_every_numeric_option_is_bounded():
    """`--frontier-limit -1` was accepted: every int/float option now parses through
    zopa.cli.app.Bounded (finite, in a stated range), so none can slip through again."""
    from zopa.cli.app import Bounded

    options = _numeric_options()
    assert len(options) >= 15, [n for n, _ in options]
    unbounded = [
        name
        for name, p in options
        if not isinstance(p.type_descriptor.parameter_info.parser, Bounded)
    ]
    assert unbounded == []


@pytest.mark.parametrize(
    "argv",
    [
        ["analyze", LOGROLL, "--frontier-limit", "-1"],
        ["evaluate", LOGROLL, "split", "--top", "-1"],
        ["simulate", LOGROLL, "--seconds", "nan"],
        ["simulate", LOGROLL, "--discount", "inf"],
        ["simulate", LOGROLL, "--seed", "-1"],
        ["simulate", LOGROLL, "--timeout", "0"],
        ["forecast", FORECAST_EX, "--rounds", "99999999999"],
        ["backtest", FORECAST_EX, "--rounds", "-3"],
        ["robust", LOGROLL, "--samples", "1e3"],
        ["report", LOGROLL, "-o", "x.html", "--samples", "99999999999999"],
        ["tournament", "no-such.yaml", "--workers", "0"],
        ["serve", "--port", "70000"],
    ],
    ids=lambda a: " ".join(a[:1] + a[-2:]),
)
def test_bad_numbers_are_usage_errors(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Invalid value for" in err and ("range" in err or "finite" in err or "whole" in err)
    assert "bug in zopa" not in err


def test_bounded_parses_ranges_at_their_ends():
    from zopa.cli.app import Bounded

    b = Bounded(float, 0, 1, open_low=True)
    assert b("1") == 1.0 and b(" 0.25 ") == 0.25
    for bad in ("0", "-0.0", "1.0000001", "nan", "-inf", "", "0x1"):
        with pytest.raises(Exception, match="a number over 0 and at most 1"):
            b(bad)
    n = Bounded(int, 0, 10)
    assert n("0") == 0 and n("10") == 10 and n(7) == 7
    for bad in ("-1", "11", "1.5", "1e1", "ten"):
        with pytest.raises(Exception, match="whole number from 0 to 10"):
            n(bad)
