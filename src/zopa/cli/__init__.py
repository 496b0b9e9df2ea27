"""Command line: ``zopa COMMAND``. Thin: parse, call the library, render.

Each command module registers its commands on :data:`zopa.cli.app.app`; command modules import
only Typer at import time (the library is imported inside each command). ``zopa --help``,
``--version`` and a bare ``zopa`` are answered without Typer, a plainly valid scenario command
(``zopa analyze FILE``...) runs without Typer at all (:mod:`zopa.cli.fast`), and any other
command imports Typer and its own module only (:mod:`zopa.cli.commands`): start-up is fast.

Exit codes: 0 ok; 2 bad input — usage errors (unknown option or command, missing or malformed
argument; Typer's own message) and every :class:`zopa.errors.ZopaError` (one clear message);
130 interrupted; 1 an unexpected fault (short message; ``ZOPA_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import contextlib
import os
import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad input, 1 unexpected fault)."""
    from zopa.cli.commands import load, quick_answer
    from zopa.errors import ZopaError, set_warning_sink

    _robust_streams()
    args = sys.argv[1:] if argv is None else list(argv)
    quick = quick_answer(args)
    if quick is not None:
        text, to_stderr, code = quick
        (sys.stderr if to_stderr else sys.stdout).write(text)
        return _exit(code)
    from zopa.cli.fast import run as run_fast

    set_warning_sink(lambda w: _stderr(f"[yellow]warning:[/] {_escape(w)}"))
    try:
        # a plainly valid scenario command runs without Typer (zopa.cli.fast); any other line,
        # in standalone mode: Typer (its vendored click) prints usage errors itself, exits 2.
        fast_code = run_fast(args)
        if fast_code is not None:
            return _exit(fast_code)
        load(args)(args=args, prog_name="zopa", standalone_mode=True)
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
