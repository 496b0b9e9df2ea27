"""The exception tree of zopa.

::

    ZopaError                      (base; the CLI prints it and exits with code 2)
     ├── ScenarioError(ValueError)  a file that cannot be read or is invalid (file, where, hint)
     │    └── ConstraintSyntaxError  an expression that does not parse (with its column)
     ├── AnalysisError              an analysis that cannot be carried out as asked
     ├── OutputError                a file or folder that cannot be written (path, hint)
     ├── ProtocolError              a negotiation protocol used wrongly
     └── AgentError                 a negotiation strategy that misbehaves

Every error carries enough to act on: which file, where in it, what is wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = [
    "AgentError",
    "AnalysisError",
    "ConstraintSyntaxError",
    "OutputError",
    "Problem",
    "ProtocolError",
    "ScenarioError",
    "ZopaError",
    "report_warnings",
    "set_warning_sink",
]


class ZopaError(Exception):
    """Base of every error zopa raises on purpose."""


class Problem:
    """One thing wrong with an input: where it is, what is wrong and how to fix it."""

    __slots__ = ("column", "hint", "line", "message", "where")

    def __init__(
        self,
        message: str,
        *,
        where: str = "",
        hint: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.where = where
        self.hint = hint
        self.line = line
        self.column = column

    def render(self, file: str | None) -> str:
        loc = file or ""
        if self.line is not None:
            loc += f":{self.line}" if loc else f"line {self.line}"
            if self.column is not None:
                loc += f":{self.column}" if file else f", column {self.column}"
        head = (f"{loc}: " if loc else "") + (f"{self.where}: " if self.where else "")
        head += self.message
        return head + (f"\n  hint: {self.hint}" if self.hint else "")

    def __repr__(self) -> str:
        return f"Problem({self.render(None)!r})"


class ScenarioError(ZopaError, ValueError):
    """An input file (scenario, conflict, forecast, GENIUS, ...) that cannot be used.

    Holds one or more :class:`Problem` s; ``str(err)`` lists them all, each naming the file,
    the place (key path, and line/column where known), what is wrong and the fix.
    """

    def __init__(
        self,
        problems: Sequence[Problem] | str,
        *,
        file: str | None = None,
        where: str = "",
        hint: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, where=where, hint=hint, line=line, column=column)]
        self.problems: list[Problem] = list(problems)
        self.file = file
        super().__init__(self._text())

    def _text(self) -> str:
        return "\n".join(p.render(self.file) for p in self.problems)

    def with_file(self, file: str) -> ScenarioError:
        """The same error, attributed to ``file``."""
        self.file = file
        self.args = (self._text(),)
        return self

    def __str__(self) -> str:
        return self._text()


WarningSink = Callable[[str], None]
_sinks: list[WarningSink] = []


def set_warning_sink(sink: WarningSink | None) -> None:
    """Where :func:`report_warnings` sends what a reader adjusted (the CLI: stderr)."""
    _sinks[:] = [sink] if sink is not None else []


def report_warnings(warnings: Sequence[str]) -> None:
    """Pass each warning to the sink set by :func:`set_warning_sink` (none: kept silent; the
    warnings stay on the loaded object, e.g. ``Scenario.warnings``)."""
    for sink in _sinks:
        for w in warnings:
            sink(w)


class ConstraintSyntaxError(ScenarioError):
    """An expression in the constraint language that does not parse or names unknown things."""


class AnalysisError(ZopaError):
    """An analysis that cannot be carried out (e.g. an engine that cannot handle the input)."""


class OutputError(ZopaError):
    """A target that cannot be written: a bad suffix, an existing file, a failed write."""

    def __init__(self, message: str, *, path: str, hint: str = "") -> None:
        self.path = path
        self.message = message
        self.hint = hint
        super().__init__(f"{path}: {message}" + (f"\n  hint: {hint}" if hint else ""))


class ProtocolError(ZopaError):
    """A negotiation protocol misused (bad configuration, unknown protocol)."""


class AgentError(ZopaError):
    """A negotiation strategy that raised, timed out or broke the rules."""
