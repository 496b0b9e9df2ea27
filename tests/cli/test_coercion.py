"""zopa.cli.coercion converts command-line values without pydantic: for every parameter of
every command, on generated and awkward values, it gives what Typer's own (pydantic) coercion
gives, the same value or the same error and message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES
from zopa.cli.commands import load_all

AWKWARD = [
    "",
    " ",
    "-",
    "a\x00b",
    "\udc80name",
    "x\n",
    "\x1b[31mred",
    "1",
    "-3",
    " 7 ",
    "1e309",
    "nan",
    "0x10",
    "1_000",
    "٣",
    "auto",
    "AUTO",
    "all",
    "yes",
    "true",
    str(EXAMPLES / "logrolling.yaml"),
    str(EXAMPLES / "logrolling.yaml") + "/",
    str(EXAMPLES),
    str(EXAMPLES) + "//",
    "/nonexistent/dir/file.yaml",
]


def _params() -> list[tuple[str, Any, Any]]:
    import typer._click as click
    import typer.main

    found: list[tuple[str, Any, Any]] = []

    def walk(cmd: Any, name: str, parent: Any) -> None:
        ctx = click.Context(cmd, info_name=name or "zopa", parent=parent)
        for sub, c in (getattr(cmd, "commands", None) or {}).items():
            walk(c, f"{name} {sub}".strip(), ctx)
        for p in getattr(cmd, "params", ()):
            if hasattr(p, "type_descriptor"):
                found.append((f"{name or 'zopa'} {p.name}", p, ctx))

    walk(typer.main.get_command(load_all()), "", None)
    return found


PARAMS = _params()


def _outcome(fn: Any) -> tuple[str, Any]:
    try:
        value = fn()
    except Exception as exc:
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        return "error", (type(exc).__name__, message)
    return "ok", (type(value).__name__, value)


def _same(param: Any, ctx: Any, value: Any) -> None:
    from typer._coercion import build_runtime_param

    light = param.get_runtime_param()
    typer_own = build_runtime_param(param.type_descriptor)
    got = _outcome(lambda: light.coerce(value, param=param, ctx=ctx))
    want = _outcome(lambda: typer_own.coerce(value, param=param, ctx=ctx))
    assert got == want, (param.name, value)


def test_the_light_path_is_used():
    from zopa.cli.coercion import light_converter

    kinds = [p for _, p, _ in PARAMS]
    light = [
        p
        for p in kinds
        if light_converter(
            p.type_descriptor.annotation,
            p.type_descriptor.parameter_info,
            p.type_descriptor.file_annotation,
        )
        is not None
    ]
    assert len(kinds) >= 100 and light == kinds  # every parameter zopa has today


def _values(param: Any) -> st.SearchStrategy[Any]:
    one = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=12))
    if param.nargs == -1 or param.multiple:
        return st.one_of(st.lists(one, max_size=3).map(tuple), st.none())
    if getattr(param, "is_flag", False):
        return st.one_of(st.booleans(), st.none(), one)
    return st.one_of(one, st.none())


@pytest.mark.parametrize(("name", "param", "ctx"), PARAMS, ids=[n for n, _, _ in PARAMS])
def test_every_parameter_converts_as_typer_does(name, param, ctx):
    for value in AWKWARD:
        _same(param, ctx, (value,) if param.nargs == -1 or param.multiple else value)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_values(param))
    def check(value: Any) -> None:
        _same(param, ctx, value)

    check()


def test_paths_come_back_as_paths():
    param = next(p for n, p, _ in PARAMS if n == "analyze file")
    ctx = next(c for n, _, c in PARAMS if n == "analyze file")
    got = param.get_runtime_param().coerce("examples/logrolling.yaml", param=param, ctx=ctx)
    assert got == Path("examples/logrolling.yaml") and type(got) is type(Path())
