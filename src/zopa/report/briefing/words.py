"""Scenario things in words for a reader: option labels, packages, rules (red lines)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from zopa.model.expr import And, Atom, Cmp, Const, Formula, Implies, Not, Or
from zopa.model.scenario import Issue, Scenario
from zopa.model.uncertainty import CurvePoint, RedLine, Value, Weight

if TYPE_CHECKING:
    from zopa.robust import Parameter

__all__ = [
    "cells",
    "option_label",
    "parameter_in_words",
    "party_label",
    "red_line_in_words",
    "rule_in_words",
]


def option_label(issue: Issue, value: object) -> str:
    """The label of an option given as its id or its number (numeric issues)."""
    for o in issue.options:
        if o.id == str(value):
            return o.label
        if o.number is not None and isinstance(value, int | float) and o.number == value:
            return o.label
    return str(value)


def cells(scenario: Scenario, package: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """A package as (issue label, option label) rows in the scenario's issue order."""
    return tuple(
        (iss.label, option_label(iss, package[iss.id]))
        for iss in scenario.issues
        if iss.id in package
    )


def party_label(scenario: Scenario, party_id: str) -> str:
    try:
        return scenario.party(party_id).label
    except KeyError:
        return party_id


def rule_in_words(scenario: Scenario, f: Formula) -> str:
    """A resolved rule in words: ``NATO membership is not "an explicit path to membership"``."""
    return _words(scenario.issues, f)


def _words(issues: Sequence[Issue], f: Formula) -> str:
    if isinstance(f, Atom):
        return _atom(issues[f.issue], f.allowed)
    if isinstance(f, Const):
        return "always" if f.value else "never"
    if isinstance(f, Not):
        return f"not ({_words(issues, f.arg)})"
    if isinstance(f, And):
        return " and ".join(_group(issues, a) for a in f.args)
    if isinstance(f, Or):
        return " or ".join(_group(issues, a) for a in f.args)
    if isinstance(f, Implies):
        return f"if {_group(issues, f.left)}, then {_group(issues, f.right)}"
    if isinstance(f, Cmp):  # pragma: no cover - rules in a Scenario are always resolved
        return f"{f.issue} {f.op} {', '.join(f.values)}"
    raise TypeError(f"not a formula: {f!r}")  # pragma: no cover


def _group(issues: Sequence[Issue], f: Formula) -> str:
    text = _words(issues, f)
    return f"({text})" if isinstance(f, And | Or | Implies) else text


def _atom(issue: Issue, allowed: frozenset[int]) -> str:
    n = len(issue.options)
    chosen = [issue.options[k].label for k in sorted(allowed)]
    banned = [o.label for k, o in enumerate(issue.options) if k not in allowed]
    if not chosen:
        return f"{issue.label}: no option allowed"
    if not banned:
        return f"{issue.label}: any option"
    ks = sorted(allowed)
    if issue.numeric and len(ks) > 1 and ks[-1] - ks[0] == len(ks) - 1:
        lo, hi = issue.options[ks[0]].label, issue.options[ks[-1]].label
        if ks[-1] == n - 1:
            return f"{issue.label}: at least {lo}"
        if ks[0] == 0:
            return f"{issue.label}: at most {hi}"
        return f"{issue.label}: between {lo} and {hi}"
    if len(chosen) == 1:
        return f"{issue.label} is “{chosen[0]}”"
    if len(banned) == 1 and n > 2:
        return f"{issue.label} is not “{banned[0]}”"
    return f"{issue.label} is one of " + ", ".join(f"“{c}”" for c in chosen)


def red_line_in_words(scenario: Scenario, party: str, text: str) -> str:
    """A party's red line (as written) in words with labels."""
    prefs = scenario.party(party).preferences
    for r in prefs.red_lines if prefs else ():
        if r.text.strip() == text.strip():
            return rule_in_words(scenario, r.formula)
    return text


def parameter_in_words(scenario: Scenario, p: Parameter) -> str:
    """``Russia: walk-away value`` / ``Ukraine: weight of NATO membership`` / ..."""
    who = party_label(scenario, p.party)
    t = p.target
    if isinstance(t, Weight):
        return f"{who}: weight of {scenario.issue(t.issue).label}"
    if isinstance(t, Value):
        issue = scenario.issue(t.issue)
        return f"{who}: value of “{option_label(issue, t.option)}” ({issue.label})"
    if isinstance(t, CurvePoint):
        issue = scenario.issue(t.issue)
        return f"{who}: value of “{option_label(issue, t.x)}” ({issue.label})"
    if isinstance(t, RedLine):
        return f"{who}: red line “{red_line_in_words(scenario, t.party, t.text)}” is real"
    return f"{who}: reservation"
