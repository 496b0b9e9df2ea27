"""Command line: ``zopa COMMAND``. Thin: parse, call the library, render.

Each command module registers its commands on :data:`zopa.cli.app.app`. Errors derived from
:class:`zopa.errors.ZopaError` are printed as one clear message with exit code 2; anything
else is an unexpected fault (exit code 1, short message; ``ZOPA_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import os
import sys

import click
from rich.console import Console
from rich.markup import escape

from zopa.cli import analysis as _analysis  # noqa: F401  (registers commands)
from zopa.cli import conflict as _conflict  # noqa: F401
from zopa.cli import forecast as _forecast  # noqa: F401
from zopa.cli import formats as _formats  # noqa: F401
from zopa.cli import negotiate as _negotiate  # noqa: F401
from zopa.cli import server as _server  # noqa: F401
from zopa.cli.app import app
from zopa.errors import ZopaError

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad input, 1 unexpected fault)."""
    err = Console(stderr=True, highlight=False)
    try:
        app(args=argv, standalone_mode=False)
    except ZopaError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        return _exit(2)
    except SystemExit as exc:  # typer's own exits (e.g. --help)
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        return _exit(code)
    except KeyboardInterrupt:
        err.print("interrupted")
        return _exit(130)
    except click.exceptions.ClickException as exc:  # usage errors: exit 2
        exc.show()
        return _exit(exc.exit_code)
    except click.exceptions.Abort:
        return _exit(1)
    except Exception as exc:  # pragma: no cover - the last resort
        if os.environ.get("ZOPA_DEBUG", "") == "1":
            raise
        err.print(
            f"[bold red]unexpected error:[/] {type(exc).__name__}: {escape(str(exc))}\n"
            "This is a bug in zopa; run again with ZOPA_DEBUG=1 for the traceback and report it.",
            soft_wrap=True,
        )
        return _exit(1)
    return _exit(0)


def _exit(code: int) -> int:
    sys.stdout.flush()
    return code
