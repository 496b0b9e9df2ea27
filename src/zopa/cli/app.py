"""The Typer application every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="zopa",
    help="Analyse and mediate multi-party, multi-issue negotiations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
