"""Scenario things in words: issue, option, party, draft and parameter labels, packages and
rules. The one place an id becomes what a person reads (``--json`` keeps the ids).

Numbers on a numeric issue are always written by :func:`zopa.vocab.numbers.amount`
(``800,000 troops``, ``EUR 250,000``), never from the option's stored label, so every output
shows the same string for the same option.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from zopa.vocab.numbers import amount

if TYPE_CHECKING:
    from zopa.model.expr import Formula
    from zopa.model.scenario import Issue, Option, Scenario

__all__ = [
    "Named",
    "draft_label",
    "evidence_statement",
    "evidence_words",
    "issue_label",
    "option_label",
    "package_cells",
    "package_words",
    "parameter_in_words",
    "party_label",
    "rule_in_words",
    "value_label",
]


def issue_label(scenario: Scenario, issue_id: str) -> str:
    """The issue's label (its id when the scenario has no such issue)."""
    try:
        return scenario.issue(issue_id).label
    except KeyError:
        return issue_id


def _option_words(issue: Issue, o: Option) -> str:
    if o.number is not None:
        return amount(o.number, issue.unit)
    return o.label


def option_label(issue: Issue, k: int) -> str:
    """Option ``k`` (its index) in words; on a numeric issue its number with the unit."""
    return _option_words(issue, issue.options[k])


def value_label(issue: Issue, value: object) -> str:
    """The option given by its id, or by its number on a numeric issue, in words.

    A value that names no option is shown as written (it is never dropped)."""
    for o in issue.options:
        if o.id == str(value):
            return _option_words(issue, o)
        if o.number is not None and isinstance(value, int | float) and o.number == value:
            return _option_words(issue, o)
    if issue.numeric and isinstance(value, int | float) and not isinstance(value, bool):
        return amount(float(value), issue.unit)
    return str(value)


def party_label(scenario: Scenario, party_id: str, *, with_id: bool = False) -> str:
    """The party's label (its id when the scenario has no such party).

    ``with_id`` adds the id in brackets where it differs from the label
    (``European governments (europe)``): for tables whose reader may type the id next."""
    try:
        label = scenario.party(party_id).label
    except KeyError:
        return party_id
    if not with_id or label == party_id or label.lower() == party_id:
        return label
    return f"{label} ({party_id})"


def draft_label(scenario: Scenario, draft_id: str, *, with_id: bool = False) -> str:
    """The draft's label (its id when the scenario has no such draft); ``with_id`` adds the id
    in brackets (``US 28-point draft (us-28)``), and a what-if's " (edited)" is kept."""
    if with_id and draft_id.endswith(" (edited)"):
        return f"{draft_label(scenario, draft_id.removesuffix(' (edited)'), with_id=True)} (edited)"
    try:
        label = scenario.draft(draft_id).label
    except KeyError:
        return draft_id
    if not with_id or label == draft_id or label.lower() == draft_id:
        return label
    return f"{label} ({draft_id})"


def package_cells(scenario: Scenario, package: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """A package as (issue label, option label) rows in the scenario's issue order."""
    return tuple(
        (iss.label, value_label(iss, package[iss.id]))
        for iss in scenario.issues
        if iss.id in package
    )


def package_words(scenario: Scenario, package: Mapping[str, object]) -> str:
    """A package in one line: ``Territory: freeze along the line; Army cap: 800,000 troops``."""
    return "; ".join(f"{i}: {o}" for i, o in package_cells(scenario, package))


class Named(Protocol):
    """What :func:`parameter_in_words` needs of an uncertain parameter (``zopa.robust``)."""

    @property
    def party(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def issue(self) -> str | None: ...
    @property
    def key(self) -> str | None: ...


def parameter_in_words(scenario: Scenario, p: Named) -> str:
    """``Russia: reservation`` / ``Ukraine: weight of NATO membership`` / ``Russia: value of
    “800,000 troops” (Army cap)`` / ``Russia: red line “...” is real``."""
    who = party_label(scenario, p.party)
    issue = None
    if p.issue:
        try:
            issue = scenario.issue(p.issue)
        except KeyError:
            issue = None
    if p.kind == "weight" and issue is not None:
        return f"{who}: weight of {issue.label}"
    if p.kind == "value" and issue is not None:
        return f"{who}: value of “{value_label(issue, p.key)}” ({issue.label})"
    if p.kind == "red_line" and p.key:
        return f"{who}: red line “{red_line_words(scenario, p.party, p.key)}” is real"
    return f"{who}: {p.kind.replace('_', ' ')}"


def red_line_words(scenario: Scenario, party: str | None, text: str) -> str:
    """A party's red line (``party=None``: a scenario constraint), given as written in the
    file, in words; as written when the scenario has no such rule."""
    if party is None:
        rules = scenario.constraints
    else:
        try:
            prefs = scenario.party(party).preferences
        except KeyError:
            return text
        rules = prefs.red_lines if prefs else ()
    for r in rules:
        if r.text == text:
            return rule_in_words(scenario, r.formula)
    return text


def rule_in_words(scenario: Scenario, f: Formula) -> str:
    """A resolved rule in words: ``NATO membership is not “an explicit path to membership”``."""
    return _words(scenario.issues, f)


def _words(issues: Sequence[Issue], f: Formula) -> str:
    from zopa.model.expr import And, Atom, Cmp, Const, Implies, Not, Or

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
    from zopa.model.expr import And, Implies, Or

    text = _words(issues, f)
    return f"({text})" if isinstance(f, And | Or | Implies) else text


def _atom(issue: Issue, allowed: frozenset[int]) -> str:
    n = len(issue.options)
    chosen = [option_label(issue, k) for k in sorted(allowed)]
    banned = [option_label(issue, k) for k in range(n) if k not in allowed]
    if not chosen:
        return f"{issue.label}: no option allowed"
    if not banned:
        return f"{issue.label}: any option"
    ks = sorted(allowed)
    if issue.numeric and len(ks) > 1 and ks[-1] - ks[0] == len(ks) - 1:
        lo, hi = option_label(issue, ks[0]), option_label(issue, ks[-1])
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


def evidence_statement(scenario: Scenario, kind: str, draft: str, over: str | None = None) -> str:
    """What an evidence item says a party thinks of a draft, in words (the party not named):
    ``prefers “US 28-point draft” over “European counter-text”`` / ``rejects “20-point plan”:
    it is not acceptable`` / ``accepts ...: it is acceptable``."""
    d = f"“{draft_label(scenario, draft)}”"
    if kind == "prefers":
        return f"prefers {d} over “{draft_label(scenario, over or '')}”"
    if kind == "rejects":
        return f"rejects {d}: it is not acceptable"
    return f"accepts {d}: it is acceptable"


def evidence_words(
    scenario: Scenario,
    party: str,
    kind: str,
    draft: str,
    over: str | None = None,
    confidence: float = 1.0,
) -> str:
    """An evidence item whole, its party named: ``Russia rejects “European counter-text”: it
    is not acceptable`` (soft evidence adds `` (confidence 0.9)``)."""
    soft = f" (confidence {confidence:g})" if confidence < 1.0 else ""
    return f"{party_label(scenario, party)} {evidence_statement(scenario, kind, draft, over)}{soft}"
