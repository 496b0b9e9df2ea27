"""The scenario commands' Typer-free path (zopa.cli.fast) against Typer itself, the oracle:
whenever the fast path accepts a command line, Typer accepts it too and calls the same action
with the very same values; whatever it declines goes to Typer, whose messages stay as they are.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from typing import Any

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES, ROOT
from zopa.cli import actions, main
from zopa.cli.commands import load
from zopa.cli.fast import FLAG, SPECS, parse

LOGROLL = str(EXAMPLES / "logrolling.yaml")


def _typer_command(name: str) -> Any:
    """Typer's click command for one scenario command."""
    return typer.main.get_command(load([name])).commands[name]  # type: ignore[attr-defined]


def _typer_call(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict] | None:
    """(action, keyword arguments) Typer calls for argv, or None when Typer rejects it."""
    calls: list[tuple[str, dict]] = []
    for name in ("validate", "schema", "analyze", "evaluate", "compare"):
        monkeypatch.setattr(
            actions, name, lambda _n=name, **kw: calls.append((_n, kw)), raising=True
        )
    app = load(argv)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            app(args=argv, prog_name="zopa", standalone_mode=False)
    except Exception:  # click's usage errors (standalone_mode=False raises them)
        return None
    return calls[0] if calls else None


def test_the_table_is_what_typer_declares():
    for name, spec in SPECS.items():
        cmd = _typer_command(name)
        args = [p for p in cmd.params if p.param_type_name == "argument"]
        opts = [p for p in cmd.params if p.param_type_name == "option"]
        fixed = [p.name for p in args if p.nargs == 1]
        rest = [p.name for p in args if p.nargs == -1]
        assert fixed == [a for a, _ in spec.args], name
        assert rest == ([spec.rest] if spec.rest else []), name
        declared = {}
        for p in opts:
            for spelling in p.opts + p.secondary_opts:
                if spelling not in ("-h", "--help"):
                    declared[spelling] = (p.name, p.is_flag)
        assert declared == {k: (d, c is FLAG) for k, (d, c) in spec.options.items()}, name
        defaults = {p.name: p.default for p in opts}
        defaults.update({p.name: p.default for p in args if p.nargs == -1})
        assert spec.defaults == defaults, name


TOKENS = [
    *SPECS,
    "x.yaml",
    "dir/s.json",
    "--json",
    "--json=1",
    "--jso",
    "--no-json",
    "--engine",
    "--engine=milp",
    "--engine=",
    "auto",
    "enumerate",
    "frontier",
    "milp",
    "MILP",
    "--plot",
    "--plot=p.svg",
    "p.png",
    "--parties",
    "a,b",
    "--frontier-limit",
    "--frontier-limit=7",
    "--frontier_limit",
    "10",
    "0",
    "-1",
    "1e3",
    " 5",
    "10000001",
    "--top",
    "--top=3",
    "--force",
    "--force=1",
    "-f",
    "-fh",
    "-h",
    "--help",
    "--",
    "-",
    "",
    "d1",
    "k=v",
    "\udc80x.yaml",
    "\ud800.yaml",
    "é",
]


VALUES = {
    "engine": ["auto", "milp", "frontier", "enumerate", "Milp"],
    "frontier_limit": ["0", "7", "10000000", "10000001", "1_0", "+5", "0x1"],
    "top": ["0", "5", "10000", "10001", " 3"],
}


@st.composite
def plausible(draw: st.DrawFn) -> list[str]:
    """A command line of mostly right shape (arguments, options and values from its table),
    with now and then a token from anywhere: most are valid, some only just not."""
    command = draw(st.sampled_from(list(SPECS)))
    spec = SPECS[command]
    word = st.one_of(
        st.sampled_from(["x.yaml", "d1", "k=v", "a b", "\udc80", "\ud800", "a\x00", "é"]), st.text()
    )
    n = len(spec.args) + (draw(st.integers(0, 2)) if spec.rest else 0)
    parts = [[draw(word)] for _ in range(n)]
    chosen = (
        draw(st.lists(st.sampled_from(sorted(spec.options)), max_size=4)) if spec.options else []
    )
    for spelling in chosen:
        dest, convert = spec.options[spelling]
        if convert is FLAG:
            parts.append([spelling])
            continue
        value = draw(st.one_of(st.sampled_from(VALUES.get(dest, ["a,b", "p.png"])), word))
        inline = draw(st.booleans())
        parts.append([f"{spelling}={value}"] if inline else [spelling, value])
    order = draw(st.permutations(range(len(parts))))
    argv = [command, *(t for i in order for t in parts[i])]
    if draw(st.integers(0, 4)) == 0:
        argv.insert(draw(st.integers(1, len(argv))), draw(st.sampled_from(TOKENS)))
    return argv


@settings(max_examples=300, deadline=None)
@given(plausible())
def test_plausible_lines_run_alike(argv):
    _same_as_typer(argv)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(list(SPECS)),
    st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)), max_size=7),
)
def test_whatever_the_fast_path_accepts_typer_does_alike(command, tokens):
    _same_as_typer([command, *tokens])


def _same_as_typer(argv: list[str]) -> None:
    fast = parse(argv)
    if fast is None:
        return  # Typer parses it: nothing to compare
    with pytest.MonkeyPatch.context() as mp:
        want = _typer_call(argv, mp)
    assert want is not None, f"the fast path accepts {argv!r}, Typer rejects it"
    assert fast == want
    for key, value in fast[1].items():  # the same types too (a list is not a tuple)
        assert type(value) is type(want[1][key]), key


@pytest.mark.parametrize(
    "argv",
    [
        ["analyze", LOGROLL],
        ["analyze", LOGROLL, "--json", "--frontier-limit", "1000000"],
        ["analyze", "--engine=milp", LOGROLL, "--plot", "p.png", "-f", "--parties", "a,b"],
        ["validate", LOGROLL, "--json"],
        ["schema"],
        ["evaluate", LOGROLL, "split", "pay=high", "--top", "3"],
        ["compare", LOGROLL, "a", "b", "--json"],
    ],
    ids=" ".join,
)
def test_common_lines_take_the_fast_path(argv, monkeypatch):
    got = parse(argv)
    assert got is not None
    assert got == _typer_call(argv, monkeypatch)


def test_a_fast_run_imports_no_typer_and_says_the_same():
    code = (
        "import contextlib, io, json, sys\n"
        "from zopa.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    code = main(['analyze', {LOGROLL!r}, '--json'])\n"
        "print(json.dumps({'code': code, 'typer': [m for m in sys.modules if 'typer' in m or\n"
        "    'click' in m], 'out': out.getvalue()}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    got = json.loads(proc.stdout)
    assert got["code"] == 0 and got["typer"] == []
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        load(["analyze"])(args=["analyze", LOGROLL, "--json"], standalone_mode=False)
    assert got["out"] == out.getvalue()


@pytest.mark.parametrize(
    "argv",
    [
        ["analyze", LOGROLL, "--engine", "fast"],
        ["analyze", LOGROLL, "--frontier-limit", "-1"],
        ["analyze"],
        ["analyze", LOGROLL, "extra"],
        ["analyze", LOGROLL, "--jsn"],
        ["evaluate", LOGROLL],
    ],
    ids=" ".join,
)
def test_bad_lines_get_typers_usage_error(argv, capsys):
    assert parse(argv) is None
    assert main(argv) == 2
    assert "Usage: zopa" in capsys.readouterr().err


def test_errors_of_the_command_are_reported_alike(tmp_path, capsys):
    missing = str(tmp_path / "missing.yaml")
    assert parse(["analyze", missing]) is not None
    assert main(["analyze", missing]) == 2
    fast_err = capsys.readouterr().err
    assert "error:" in fast_err and "missing.yaml" in fast_err
    code = (
        "import sys\n"
        "from zopa.cli import main\n"
        "import zopa.cli.fast as f\n"
        "f.run = lambda argv: None\n"  # force the Typer path
        f"sys.exit(main(['analyze', {missing!r}]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert (proc.returncode, proc.stderr) == (2, fast_err)
