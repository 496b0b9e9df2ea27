"""``zopa convert IN OUT``: between zopa YAML/JSON, GENIUS XML folders and GeniusWeb JSON.

Thin: the conversion, its checks and the list of what the target format cannot hold are
:func:`zopa.io.convert.convert_scenario`; the scenario writer is :mod:`zopa.io.writer`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from zopa.cli.app import ForceOpt, app


@app.command("convert")
def convert_cmd(
    source: Annotated[
        Path, typer.Argument(help="zopa .yaml/.json, GENIUS folder or .xml, GeniusWeb")
    ],
    target: Annotated[
        Path,
        typer.Argument(
            help=".yaml/.yml/.json (zopa), a folder or .xml (GENIUS), a folder or .json with "
            "--to geniusweb"
        ),
    ],
    to: Annotated[
        Literal["zopa", "genius", "geniusweb"] | None,
        typer.Option(help="the format to write (default: by OUT's suffix)"),
    ] = None,
    force: ForceOpt = False,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Convert a scenario between zopa YAML/JSON, GENIUS XML and GeniusWeb JSON.

    Says what the target format cannot hold (red lines, constraints, drafts, roles, events,
    power, ...), one line each on stderr, instead of dropping it silently.
    """
    from zopa.cli.analysis import _console, print_json
    from zopa.io import load_any
    from zopa.io.convert import convert_scenario, target_format

    target_format(target, to)  # an unknown format or suffix fails before reading
    s = load_any(source)
    result = convert_scenario(s, target, to, force=force, source=str(source))
    if as_json:
        print_json(result.to_dict())
        return
    from rich.console import Console
    from rich.markup import escape

    err = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 130)
    for line in result.losses:
        err.print(f"[yellow]lost:[/] {escape(line)}", soft_wrap=True)
    for line in result.adjusted:
        err.print(f"[cyan]adjusted:[/] {escape(line)}", soft_wrap=True)
    created = f" (new folder {result.created[0]}/)" if result.created else ""
    _console().print(
        f"[green]ok[/] {escape(str(source))} -> {result.format}: "
        + ", ".join(escape(f) for f in result.files)
        + created
        + ("" if result.exact else f" ({len(result.losses)} kinds of loss, listed above)")
    )
