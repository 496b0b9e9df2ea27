"""Words of the room's pages: numbers in an issue's unit, options by label, red lines read out.

Kept small and here until the project's vocabulary module (``zopa.vocab``) is on main; the
pages then take these words from it.
"""

from __future__ import annotations

import math

from zopa.model.expr import Atom, ExprError, Formula, Not, parse, resolve
from zopa.model.scenario import Issue, Scenario

__all__ = ["number_in_unit", "option_words", "red_line_words"]


def number_in_unit(x: float, unit: str | None = None) -> str:
    """``800,000 troops``, ``EUR 250,000``, ``45%``: thousands separators, the unit in place.

    >>> number_in_unit(800000, "troops"), number_in_unit(250000, "EUR"), number_in_unit(0.25)
    ('800,000 troops', 'EUR 250,000', '0.25')
    """
    if math.isfinite(x) and math.isclose(x, round(x), abs_tol=1e-9):
        text = f"{round(x):,}"
    else:
        text = f"{x:,.10g}"
    if not unit:
        return text
    if len(unit) == 3 and unit.isalpha() and unit.isupper():
        return f"{unit} {text}"
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def option_words(issue: Issue, k: int) -> str:
    """Option ``k`` of ``issue`` as a person reads it: its label, or the number in its unit."""
    o = issue.options[k]
    if o.number is not None:
        return number_in_unit(o.number, issue.unit)
    return o.label


def _atom(issue: Issue, allowed: frozenset[int]) -> str:
    n = len(issue.options)
    ks = sorted(allowed)
    banned = [option_words(issue, k) for k in range(n) if k not in allowed]
    if not ks:
        return f"{issue.label}: no option is acceptable"
    if not banned:
        return f"{issue.label}: any option"
    if issue.numeric and ks == list(range(ks[0], ks[-1] + 1)):
        lo, hi = option_words(issue, ks[0]), option_words(issue, ks[-1])
        if ks[-1] == n - 1:
            return f"{issue.label}: at least {lo}"
        if ks[0] == 0:
            return f"{issue.label}: at most {hi}"
        return f"{issue.label}: between {lo} and {hi}"
    return f"{issue.label}: never " + ", ".join(f"“{b}”" for b in banned)


def _words(issues: tuple[Issue, ...], f: Formula) -> str:
    from zopa.model.expr import And, Const, Implies, Or

    if isinstance(f, Atom):
        return _atom(issues[f.issue], f.allowed)
    if isinstance(f, Not) and isinstance(f.arg, Atom):
        n = len(issues[f.arg.issue].options)
        return _atom(issues[f.arg.issue], frozenset(range(n)) - f.arg.allowed)
    if isinstance(f, Const):
        return "always" if f.value else "never"
    if isinstance(f, Not):
        return f"not ({_words(issues, f.arg)})"
    if isinstance(f, And):
        return " and ".join(f"({_words(issues, a)})" for a in f.args)
    if isinstance(f, Or):
        return " or ".join(f"({_words(issues, a)})" for a in f.args)
    if isinstance(f, Implies):
        return f"if {_words(issues, f.left)}, then {_words(issues, f.right)}"
    return str(f)


def red_line_words(scenario: Scenario, text: str) -> str:
    """A red line (or room constraint) as written in the file, in words; the text itself if it
    does not parse against the scenario's issues.

    "territory != recognise" -> "Donetsk, Luhansk and Crimea: never “de facto Russian, ...”".
    """
    try:
        f = resolve(parse(text), scenario.domains())
    except ExprError:
        return text
    return _words(scenario.issues, f)
