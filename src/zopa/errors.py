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

from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = [
    "AgentError",
    "AnalysisError",
    "ConstraintSyntaxError",
    "KeyPath",
    "Locator",
    "OutputError",
    "Problem",
    "Problems",
    "ProtocolError",
    "ScenarioError",
    "ZopaError",
    "error_path",
    "format_path",
    "pydantic_message",
    "pydantic_problems",
    "report_warnings",
    "set_warning_sink",
]

KeyPath = tuple[str | int, ...]
"""Where a value sits in a parsed document: ``("parties", 0, "preferences")``."""
Locator = Callable[[KeyPath], tuple[int | None, int | None]]
"""Line and column (1-based) of a key path in its file, or ``(None, None)``."""


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


# ------------------------------------------------------------------------------ key paths


def format_path(path: KeyPath) -> str:
    """A key path as the user reads it in an error.

    >>> format_path(("parties", 0, "preferences", "weights"))
    'parties[0].preferences.weights'
    """
    out = ""
    for p in path:
        key = str(p) if len(str(p)) <= 60 else f"{str(p)[:40]}…({len(str(p)):,} characters)"
        out += f"[{p}]" if isinstance(p, int) else (f".{key}" if out else key)
    return out


def _no_location(_: KeyPath) -> tuple[int | None, int | None]:
    return None, None


class Problems:
    """The problems of one input, collected so that a file is fixed in one pass.

    >>> found = Problems()
    >>> found.add(("issues", 2, "id"), "duplicate issue id `x`", "give each issue a unique id")
    >>> print(ScenarioError(found.items, file="talks.yaml"))
    talks.yaml: issues[2].id: duplicate issue id `x`
      hint: give each issue a unique id
    """

    __slots__ = ("items", "locate")

    def __init__(self, locate: Locator | None = None) -> None:
        self.items: list[Problem] = []
        self.locate: Locator = locate or _no_location

    def add(self, path: KeyPath, message: str, hint: str = "", col: int | None = None) -> None:
        """Record a problem at ``path`` (its line and column from the locator)."""
        line, c = self.locate(path)
        self.items.append(
            Problem(
                message, where=format_path(path), hint=hint, line=line, column=col if col else c
            )
        )


# ------------------------------------------------------------------------------ pydantic errors
# Every pydantic-validated input (scenarios, conflict files, forecast tables, tournament
# configs, room policies) reports its shape errors through :func:`pydantic_problems`, so they
# read the same everywhere. The functions take pydantic's error dicts (``exc.errors()``), so
# this module does not import pydantic.

_HINTS = {
    "extra_forbidden": "remove it or check its spelling (see `zopa schema` for every key)",
    "missing": "add this key (see docs/scenario-format.md)",
    "string_pattern_mismatch": (
        "ids use letters, digits, _ and inner -, and start with a letter or _"
    ),
    "greater_than": "use a positive number",
    "float_type": "write a plain number such as 0.5 (unquoted)",
    "int_type": "write a whole number such as 3 (unquoted)",
    "bool_type": "write true or false",
    "finite_number": "write a finite number (not nan or inf)",
}


def pydantic_message(err: Mapping[str, Any]) -> tuple[str, str]:
    """Message and hint for one pydantic error, in the words of our file formats.

    A validator's message may carry its own hint after ``||``.

    >>> pydantic_message({"type": "missing", "loc": ("issues",), "msg": "Field required"})
    ('missing required key `issues`', 'add this key (see docs/scenario-format.md)')
    >>> err = {"type": "float_type", "loc": ("power",), "msg": "Input should be a valid number"}
    >>> pydantic_message({**err, "input": True})[0]
    '`true` is a yes/no value, not a number'
    """
    msg = str(err["msg"]).removeprefix("Value error, ")
    kind = err["type"]
    given = err.get("input")
    if kind == "extra_forbidden":
        msg = f"unknown key `{err['loc'][-1]}`"
    elif kind == "missing":
        msg = f"missing required key `{err['loc'][-1]}`"
    elif kind in ("float_type", "int_type") and isinstance(given, bool):
        msg = f"`{str(given).lower()}` is a yes/no value, not a number"
    elif kind in ("float_type", "int_type", "string_type", "bool_type") and isinstance(
        given, str | int | float
    ):
        msg += f" (got {given!r:.60})"
    msg, _, hint = msg.partition("||")
    return msg, hint or _HINTS.get(kind, "")


def error_path(data: Any, loc: Sequence[int | str]) -> KeyPath:
    """Drop pydantic's union-branch labels (``OptionSpec``, ``str``, ...) from a location.

    >>> error_path({"issues": [{"options": ["a"]}]}, ("issues", 0, "options", 0, "str"))
    ('issues', 0, 'options', 0)
    """
    out: list[str | int] = []
    node: Any = data
    for part in loc:
        if isinstance(node, Mapping) and str(part) in node:
            out.append(str(part))
            node = node[str(part)]
        elif isinstance(node, Mapping) and part in node:
            out.append(str(part))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, Mapping) and not isinstance(part, int) and part[:1].islower():
            out.append(str(part))  # a missing or extra key
            node = None
    return tuple(out)


def pydantic_problems(
    errors: Sequence[Mapping[str, Any]],
    data: Any,
    locate: Locator | None = None,
    *,
    keys_hint: str = "",
) -> list[Problem]:
    """One :class:`Problem` per pydantic error (``exc.errors()``) of ``data``, each at its key
    path with line and column, duplicates dropped. ``keys_hint`` replaces the hint of unknown
    and missing keys (where the keys of this kind of file are listed)."""
    found = Problems(locate)
    for err in errors:
        msg, hint = pydantic_message(err)
        if keys_hint and err["type"] in ("extra_forbidden", "missing"):
            hint = keys_hint
        found.add(error_path(data, err["loc"]), msg, hint)
    return _dedupe(found.items)


def _dedupe(items: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in items:
        if (p.where, p.message) not in seen:
            seen.add((p.where, p.message))
            out.append(p)
    return out
