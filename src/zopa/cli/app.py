"""The Typer application every command module registers on.

Kept light on purpose: this module and the command modules import only Typer and the standard
library at import time; every command imports the library (NumPy, pydantic, the engines,
matplotlib, Rich) inside its function, so ``zopa --help`` starts fast (``bench/bench_startup.py``).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from zopa.cli.coercion import install_light_coercion

if TYPE_CHECKING:
    from zopa.io.output import OutputKind, OutputTarget

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


def vet_output(path: Path | None, kind: OutputKind, force: bool) -> OutputTarget | None:
    """Check an output target before the work is done (:func:`zopa.io.output.check_output`)."""
    if path is None:
        return None
    from zopa.io.output import check_output

    return check_output(path, kind, force=force)


class Bounded:
    """The parser of every numeric option: a finite number in ``[low, high]`` (``low`` excluded
    when ``open_low``), else a usage error (exit 2) naming the option's range.

    One mechanism for every command: ``typer.Option(parser=Bounded(int, 0, 1000))``;
    ``tests/cli/test_usage.py`` fails if a numeric option has no ``Bounded`` parser.
    """

    def __init__(
        self, kind: type[int] | type[float], low: float, high: float, *, open_low: bool = False
    ) -> None:
        self.kind, self.low, self.high, self.open_low = kind, low, high, open_low
        self.__name__ = kind.__name__  # Typer shows it as the metavar

    def describe(self) -> str:
        lo = f"{self.low:,}" if self.kind is int else f"{self.low:g}"
        hi = f"{self.high:,}" if self.kind is int else f"{self.high:g}"
        if self.open_low:
            return f"a number over {lo} and at most {hi}"
        what = "a whole number" if self.kind is int else "a number"
        return f"{what} from {lo} to {hi}"

    def __call__(self, text: str | int | float) -> int | float:
        if isinstance(text, int | float) and not isinstance(text, bool):
            value: int | float = text  # a default value, already a number
        else:
            try:
                value = int(str(text).strip(), 10) if self.kind is int else float(text)
            except ValueError:
                raise typer.BadParameter(f"`{str(text)[:40]}` is not {self.describe()}") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise typer.BadParameter(f"`{text}` is not a finite number; give {self.describe()}")
        below = value <= self.low if self.open_low else value < self.low
        if below or value > self.high:
            raise typer.BadParameter(f"{str(text)[:40]} is out of range; give {self.describe()}")
        return value
