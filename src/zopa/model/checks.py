"""What every section of the scenario builder shares: the validated spec, the problems found
so far, and the checks every section makes (unique ids, constraint expressions).

The builder is split by what changes together — :mod:`zopa.model.issues`,
:mod:`zopa.model.preferences` (with the uncertainty ranges), :mod:`zopa.model.drafts` (and
events), :mod:`zopa.model.evidence` — and :mod:`zopa.model.build` runs them in order. Each
section is a function of a :class:`Checks` that records problems and goes on, so a file with
ten mistakes is reported in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence

from zopa.errors import KeyPath, Problems
from zopa.model.expr import ExprError, IssueDomain, parse, resolve
from zopa.model.scenario import Rule
from zopa.model.specdata import ScenarioSpec

__all__ = ["Checks", "did_you_mean"]


class Checks:
    """The builder's state: the spec being built, the problems found, and shared checks."""

    __slots__ = ("p", "require_preferences", "spec")

    def __init__(
        self, spec: ScenarioSpec, problems: Problems, require_preferences: bool = True
    ) -> None:
        self.spec = spec
        self.p = problems
        self.require_preferences = require_preferences

    def unique(self, ids: list[str], path: KeyPath, what: str) -> None:
        """Report every id that repeats an earlier one in ``ids`` (the list at ``path``)."""
        seen: dict[str, int] = {}
        for k, x in enumerate(ids):
            if x in seen:
                self.p.add(
                    (*path, k, "id"),
                    f"duplicate {what} id `{x}` (first at {path[0]}[{seen[x]}])",
                    f"give each {what} a unique id",
                )
            else:
                seen[x] = k

    def rule(self, text: str, domains: Sequence[IssueDomain], path: KeyPath) -> Rule | None:
        """``text`` parsed and resolved against the issues, or None with the problem reported
        (the expression quoted with a caret under the column)."""
        try:
            return Rule(text, resolve(parse(text), domains))
        except ExprError as exc:
            col = exc.column
            msg = str(exc)
            if col and "column" not in msg:
                msg += f" (column {col})"
            short = text if len(text) <= 120 else text[:117] + "..."
            self.p.add(path, f"{msg}" if "`" in msg else f"{msg} in `{short}`", exc.hint)
            self.p.items[-1].column = None  # the column refers to the expression, said in the text
            if col and len(text) <= 200:
                self.p.items[-1].message += f"\n    {text}\n    {' ' * (col - 1)}^"
            return None


def did_you_mean(name: str, known: Sequence[str]) -> str:
    """A hint naming the closest known id, then all of them.

    >>> did_you_mean("rusia", ["russia", "ukraine"])
    'did you mean `russia`? known: russia, ukraine'
    """
    import difflib  # only a misspelt name needs it

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    head = f"did you mean `{close[0]}`? " if close else ""
    return head + "known: " + ", ".join(known)
