"""The scenario commands without Typer, for command lines that are plainly valid.

Importing Typer and building its click command from the function's signature costs more CPU
than reading and analysing a small scenario. For ``validate``, ``schema``, ``analyze``,
``evaluate`` and ``compare`` (the commands a user runs over and over), :func:`run` parses the
command line itself and calls :mod:`zopa.cli.actions` directly, but only when the line is
plainly valid: each option spelled out exactly (``--engine milp`` or ``--engine=milp``), at
most once, with a value that converts (a choice it lists, a number in its range) and does not
start with ``-``; the right number of arguments, none starting with ``-`` or empty. Anything
else (``--help``, an unknown or abbreviated option, ``--``, a bad value, a missing argument,
shell completion) returns None and Typer parses the line as before, so every usage error,
message and exit code stays Typer's own.

``tests/cli/test_fast.py`` checks, on generated command lines, that whenever this path
accepts a line Typer accepts it too and calls the action with the very same values, and
checks this table against the options Typer declares.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zopa.cli.actions import ENGINES, FRONTIER_LIMIT, TOP

__all__ = ["SPECS", "parse", "run"]

FLAG = "flag"  # an option without a value (True when given)


def _path(raw: str) -> Path:
    """Typer's path: ``Path(raw)``; a name the system cannot take (a NUL, a lone surrogate
    the file system encoding refuses) is Typer's error to word."""
    if "\x00" in raw:
        raise ValueError(raw)
    os.fsencode(raw)
    return Path(raw)


def _text(raw: str) -> str:
    return raw


def _choice(*choices: str) -> Callable[[str], str]:
    def choose(raw: str) -> str:
        if raw not in choices:
            raise ValueError(raw)
        return raw

    return choose


class Spec:
    """One command's command line: its action in :mod:`zopa.cli.actions`, its arguments
    (name, converter) in order, a last argument taking any number of values (or None), its
    options (each spelling -> name, converter or :data:`FLAG`) and the defaults of the
    options and of the variadic argument."""

    __slots__ = ("action", "args", "defaults", "options", "rest")

    def __init__(
        self,
        action: str,
        args: tuple[tuple[str, Callable[[str], Any]], ...],
        options: dict[str, tuple[str, Any]],
        defaults: dict[str, Any],
        rest: str | None = None,
    ) -> None:
        self.action, self.args, self.options = action, args, options
        self.defaults, self.rest = defaults, rest


_FILE = ("file", _path)
_JSON = {"--json": ("as_json", FLAG)}

SPECS: dict[str, Spec] = {
    "validate": Spec("validate", (_FILE,), _JSON, {"as_json": False}),
    "schema": Spec("schema", (), {}, {}),
    "analyze": Spec(
        "analyze",
        (_FILE,),
        {
            **_JSON,
            "--engine": ("engine", _choice(*ENGINES)),
            "--plot": ("plot", _path),
            "--parties": ("parties", _text),
            "--frontier-limit": ("frontier_limit", FRONTIER_LIMIT),
            "--force": ("force", FLAG),
            "-f": ("force", FLAG),
        },
        {
            "as_json": False,
            "engine": "auto",
            "plot": None,
            "parties": None,
            "frontier_limit": 1000,
            "force": False,
        },
    ),
    "evaluate": Spec(
        "evaluate",
        (_FILE, ("draft", _text)),
        {**_JSON, "--top": ("top", TOP)},
        {"as_json": False, "top": 5, "edits": None},
        rest="edits",
    ),
    "compare": Spec(
        "compare",
        (_FILE, ("draft_a", _text), ("draft_b", _text)),
        dict(_JSON),
        {"as_json": False, "edits": None},
        rest="edits",
    ),
}


def parse(argv: list[str]) -> tuple[str, dict[str, Any]] | None:
    """(action, its keyword arguments) for a plainly valid command line, else None."""
    if not argv or (spec := SPECS.get(argv[0])) is None:
        return None
    given: dict[str, Any] = {}
    plain: list[str] = []
    tokens = argv[1:]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token and not token.startswith("-"):
            plain.append(token)
            continue
        taken = _option(spec, token, tokens[i] if i < len(tokens) else None, given)
        if taken is None:
            return None
        i += taken
    return _arguments(spec, plain, given)


def _option(spec: Spec, token: str, following: str | None, given: dict[str, Any]) -> int | None:
    """Read the option ``token`` into ``given``: how many following tokens it took (0 or 1),
    or None when Typer must decide (unknown, repeated, a value missing or not plain)."""
    name, eq, inline = token.partition("=") if token.startswith("--") else (token, "", "")
    option = spec.options.get(name)
    if option is None or option[0] in given:
        return None
    dest, convert = option
    if convert is FLAG:
        if eq:
            return None
        given[dest] = True
        return 0
    raw = inline if eq else following
    if not raw or raw.startswith("-"):
        return None
    try:
        given[dest] = convert(raw)
    except Exception:
        return None
    return 0 if eq else 1


def _arguments(
    spec: Spec, plain: list[str], given: dict[str, Any]
) -> tuple[str, dict[str, Any]] | None:
    n = len(spec.args)
    if len(plain) < n or (spec.rest is None and len(plain) > n):
        return None
    kwargs = {**spec.defaults, **given}
    try:
        for (dest, convert), raw in zip(spec.args, plain, strict=False):
            kwargs[dest] = convert(raw)
    except ValueError:
        return None
    if spec.rest is not None and len(plain) > n:
        kwargs[spec.rest] = plain[n:]
    return spec.action, kwargs


def run(argv: list[str]) -> int | None:
    """Run a plainly valid scenario command without Typer; its exit code, or None when Typer
    must parse the line. Errors of the command itself (:class:`zopa.errors.ZopaError`, a
    fault) propagate to :func:`zopa.cli.main`, as they do from Typer; an interrupt, the end of
    input and a closed pipe end as they do under Typer (130 silently, ``Aborted!`` 1, 1)."""
    if "_ZOPA_COMPLETE" in os.environ:  # shell completion: click's business
        return None
    parsed = parse(argv)
    if parsed is None:
        return None
    action, kwargs = parsed
    from zopa.cli import actions

    try:
        getattr(actions, action)(**kwargs)
    except KeyboardInterrupt:
        return 130
    except EOFError:
        sys.stderr.write("\nAborted!\n")
        return 1
    except BrokenPipeError:
        _pacify()
        return 1
    return 0


def _pacify() -> None:
    """After a closed pipe, the interpreter's last flush of stdout must not fail again (what
    click does, with its own wrapper)."""
    from typer._click.utils import PacifyFlushWrapper

    sys.stdout = PacifyFlushWrapper(sys.stdout)
    sys.stderr = PacifyFlushWrapper(sys.stderr)
