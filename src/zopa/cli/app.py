"""The Typer application every command module registers on.

Kept light on purpose: this module and the command modules import only Typer and the standard
library at import time; every command imports the library (NumPy, pydantic, the engines,
matplotlib, Rich) inside its function, so ``zopa --help`` starts fast (``bench/bench_startup.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from zopa.io.output import OutputKind, OutputTarget

CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="zopa",
    help="Analyse and mediate multi-party, multi-issue negotiations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT,
    # plain click help and usage errors: Typer's Rich help imports rich.markdown/markdown-it,
    # which alone costs more than the whole 0.3 s start-up budget of `zopa --help`
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from zopa import __version__

        typer.echo(f"zopa {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_version, help="print zopa's version and exit"
        ),
    ] = False,
) -> None:
    """Analyse and mediate multi-party, multi-issue negotiations."""


ForceOpt = Annotated[
    bool, typer.Option("--force", "-f", help="replace existing output files (default: refuse)")
]


def vet_output(path: Path | None, kind: OutputKind, force: bool) -> OutputTarget | None:
    """Check an output target before the work is done (:func:`zopa.io.output.check_output`)."""
    if path is None:
        return None
    from zopa.io.output import check_output

    return check_output(path, kind, force=force)
