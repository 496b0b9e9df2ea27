"""Parameter helpers every command shares, without Typer: :class:`Bounded` (the parser of every
numeric option) and :func:`vet_output`. :mod:`zopa.cli.app` re-exports both; the fast path of
:mod:`zopa.cli.fast` uses them without importing Typer (only a rejected value imports it, to
raise Typer's own ``BadParameter``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zopa.io.output import OutputKind, OutputTarget

__all__ = ["Bounded", "vet_output"]


def vet_output(path: Path | None, kind: OutputKind, force: bool) -> OutputTarget | None:
    """Check an output target before the work is done (:func:`zopa.io.output.check_output`)."""
    if path is None:
        return None
    from zopa.io.output import check_output

    return check_output(path, kind, force=force)


def _bad(message: str) -> Exception:
    import typer

    return typer.BadParameter(message)


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
                raise _bad(f"`{str(text)[:40]}` is not {self.describe()}") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise _bad(f"`{text}` is not a finite number; give {self.describe()}")
        below = value <= self.low if self.open_low else value < self.low
        if below or value > self.high:
            raise _bad(f"{str(text)[:40]} is out of range; give {self.describe()}")
        return value
