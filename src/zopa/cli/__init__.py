"""Command line: ``zopa COMMAND``. Thin: parse, call the library, render.

Each command module registers its commands on :data:`zopa.cli.app.app`; command modules import
only Typer at import time (the library is imported inside each command), so start-up is fast.

Exit codes: 0 ok; 2 bad input — usage errors (unknown option or command, missing or malformed
argument; Typer's own message) and every :class:`zopa.errors.ZopaError` (one clear message);
130 interrupted; 1 an unexpected fault (short message; ``ZOPA_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import contextlib
import copy
import os
import sys

import typer

from zopa.cli import analysis as _analysis  # noqa: F401  (registers commands)
from zopa.cli import conflict as _conflict  # noqa: F401
from zopa.cli import forecast as _forecast  # noqa: F401
from zopa.cli import formats as _formats  # noqa: F401
from zopa.cli import negotiate as _negotiate  # noqa: F401
from zopa.cli import news as _news  # noqa: F401
from zopa.cli import report as _report  # noqa: F401
from zopa.cli import robust as _robust  # noqa: F401
from zopa.cli import server as _server  # noqa: F401
from zopa.cli.app import app
from zopa.errors import ZopaError

__all__ = ["app", "main"]


def _lean_app(argv: list[str]) -> typer.Typer:
    """The app with only the command ``argv`` runs (or all of them for ``zopa --help``).

    Typer turns every registered command into a click command on each run, reading each
    function's signature (37 string annotations evaluated); a run needs only its own."""
    name = next((a for a in argv if not a.startswith("-")), None)
    if name is None:
        return app
    commands = [c for c in app.registered_commands if _command_name(c) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app  # an unknown command: the full app says so and lists the commands
    lean = copy.copy(app)
    lean.registered_commands, lean.registered_groups = commands, groups
    return lean


def _command_name(info: typer.models.CommandInfo) -> str:
    if info.name:
        return info.name
    callback = info.callback
    return getattr(callback, "__name__", "").lower().replace("_", "-")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad input, 1 unexpected fault)."""
    from zopa.errors import set_warning_sink

    _robust_streams()
    set_warning_sink(lambda w: _stderr(f"[yellow]warning:[/] {_escape(w)}"))
    try:
        # standalone mode: Typer (its vendored click) prints usage errors itself and exits 2.
        args = sys.argv[1:] if argv is None else list(argv)
        _lean_app(args)(args=args, prog_name="zopa", standalone_mode=True)
    except ZopaError as exc:
        _stderr(f"[bold red]error:[/] {_escape(str(exc))}")
        return _exit(2)
    except SystemExit as exc:  # every exit of Typer: --help, --version, usage errors, done
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        return _exit(code)
    except KeyboardInterrupt:
        _stderr("interrupted")
        return _exit(130)
    except Exception as exc:  # pragma: no cover - the last resort
        if os.environ.get("ZOPA_DEBUG", "") == "1":
            raise
        _stderr(
            f"[bold red]unexpected error:[/] {type(exc).__name__}: {_escape(str(exc))}\n"
            "This is a bug in zopa; run again with ZOPA_DEBUG=1 for the traceback and report it."
        )
        return _exit(1)
    return _exit(0)


def _robust_streams() -> None:
    """Text that cannot be encoded (a lone surrogate from an undecodable file name in the
    arguments, a terminal that is not UTF-8) is written escaped (``\\udc80``), never a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or detached stream
                reconfigure(errors="backslashreplace")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _stderr(markup: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False).print(markup, soft_wrap=True)


def _exit(code: int) -> int:
    sys.stdout.flush()
    return code
