"""The Typer application every command module registers on.

Kept light on purpose: this module and the command modules import only Typer and the standard
library at import time; every command imports the library (NumPy, pydantic, the engines,
matplotlib, Rich) inside its function, so ``zopa --help`` starts fast (``bench/bench_startup.py``).
"""

from __future__ import annotations

import copy
from typing import Annotated

import typer

from zopa.cli.coercion import install_light_coercion
from zopa.cli.params import Bounded, vet_output

__all__ = ["CONTEXT", "Bounded", "ForceOpt", "app", "lean", "vet_output"]

install_light_coercion()

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


def lean(full: typer.Typer, name: str) -> typer.Typer:
    """``full`` with only the command (or group) ``name`` registered, if it is registered.

    Typer turns every registered command into a click command on each run, reading each
    function's signature; a run needs only its own."""
    commands = [c for c in full.registered_commands if _command_name(c) == name]
    groups = [g for g in full.registered_groups if g.name == name]
    if not commands and not groups:
        return full  # unknown: the app says so and lists the commands
    slim = copy.copy(full)
    slim.registered_commands, slim.registered_groups = commands, groups
    return slim


def _command_name(info: typer.models.CommandInfo) -> str:
    if info.name:
        return info.name
    callback = info.callback
    return getattr(callback, "__name__", "").lower().replace("_", "-")


ForceOpt = Annotated[
    bool, typer.Option("--force", "-f", help="replace existing output files (default: refuse)")
]
