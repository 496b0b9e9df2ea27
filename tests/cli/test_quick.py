"""`zopa --help`, `--version` and a bare `zopa` are answered without Typer
(zopa.cli.commands); they must say exactly what Typer says, and the command table must
name every command Typer registers, in its module."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from zopa.cli.commands import COMMANDS, HELP, load, load_all, quick_answer


def _typer(argv: list[str], columns: int = 80) -> tuple[int, str, str]:
    """What Typer itself prints for argv (the full app, no quick path), in a fresh process."""
    code = (
        "import sys\n"
        "from zopa.cli.commands import load_all\n"
        "try:\n"
        f"    load_all()(args={argv!r}, prog_name='zopa', standalone_mode=True)\n"
        "except SystemExit as e:\n"
        "    sys.exit(e.code)\n"
    )
    return _python(["-c", code], columns)


def _zopa(argv: list[str], columns: int = 80) -> tuple[int, str, str]:
    return _python(["-m", "zopa", *argv], columns)


def _python(args: list[str], columns: int) -> tuple[int, str, str]:
    env = {**os.environ, "COLUMNS": str(columns)}
    proc = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, env=env, check=False
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("argv", [["--help"], ["-h"], [], ["--version"]], ids=repr)
def test_quick_answers_are_typers(argv):
    assert _zopa(argv) == _typer(argv)


def test_the_help_text_is_typers_rendering():
    code, out, _ = _typer(["--help"], columns=200)  # click never goes wider than 80
    assert code == 0
    assert out == HELP, f"update HELP in src/zopa/cli/commands.py to:\n{out}"


def test_a_narrow_terminal_gets_typers_wrapped_help(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    assert quick_answer(["--help"]) is None  # Typer wraps at 60 columns: it answers
    code, out, _ = _zopa(["--help"], columns=60)
    assert (code, out) == _typer(["--help"], columns=60)[:2] and out != HELP


def test_only_the_exact_forms_are_answered_quickly(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    for argv in (["--help", "--version"], ["-h", "analyze"], ["analyze"], ["--Help"], ["x"]):
        assert quick_answer(argv) is None, argv


def test_the_table_names_every_command_in_its_module():
    app = load_all()
    names = {c.name: c.callback.__module__ for c in app.registered_commands}  # type: ignore[union-attr]
    groups = {
        g.name: g.typer_instance.registered_commands[0].callback.__module__
        for g in app.registered_groups
    }  # type: ignore[union-attr]
    assert {**names, **groups} == COMMANDS
    # the order of the help: Typer lists commands in import order (checked in a fresh process
    # by test_the_help_text_is_typers_rendering); load_all imports in the table's order


def test_a_command_loads_only_its_module():
    code = (
        "import json, sys\n"
        "from zopa.cli.commands import load\n"
        "app = load(['analyze', 'x.yaml'])\n"
        "print(json.dumps({'mods': sorted(m for m in sys.modules if m.startswith('zopa.cli.')),\n"
        "    'commands': [c.name for c in app.registered_commands]}))\n"
    )
    import json

    code_, out, err = _python(["-c", code], 80)
    assert code_ == 0, err
    got = json.loads(out)
    assert got == {
        "mods": [
            "zopa.cli.actions",
            "zopa.cli.analysis",
            "zopa.cli.app",
            "zopa.cli.coercion",
            "zopa.cli.commands",
            "zopa.cli.params",
        ],
        "commands": ["analyze"],
    }
    assert load(["nosuchcommand"]) is load_all()  # unknown: the full app says so
