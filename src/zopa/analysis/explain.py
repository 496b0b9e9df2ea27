"""Words for the answers: what each solution means, what the utilities assume, concessions in
the issue's own unit.

A reservation drop is a number on the 0-1 utility scale; a mediator needs it in euros or troops.
:func:`concession_in_units` converts it on every numeric issue that has a unit: holding the other
issues at the package the concession opens, it finds the value of the issue at which the party's
utility equals its reservation before and after the drop (linear interpolation between the
issue's grid points, where the party's utility is monotone in the issue) and reports the move of
that *limit*, e.g. "buyer: limit on Sale price up from EUR 300,000 to EUR 310,000".
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zopa.model.compiled import SLACK, CompiledScenario, round_utility
from zopa.model.scenario import Scenario
from zopa.records import frozen
from zopa.vocab import (
    CONCESSION_KINDS,
    concession_takes,
    join,
    limit_move,
    package_words,
    plural,
    red_line_words,
    signed,
    utility,
)

__all__ = [
    "UnitConcession",
    "assumption_notes",
    "concession_in_units",
]


@frozen
class UnitConcession:
    """A party's reservation drop as the move of its limit on one numeric issue."""

    party: str
    issue: str
    unit: str
    before: float  # the issue value at which the party's utility meets the old reservation
    after: float  # ... and the lowered reservation
    text: str

    @property
    def change(self) -> float:
        return self.after - self.before

    def to_dict(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "issue": self.issue,
            "unit": self.unit,
            "limit_before": round_utility(self.before),
            "limit_after": round_utility(self.after),
            "change": round_utility(self.change),
            "text": self.text,
        }


def concession_in_units(
    cs: CompiledScenario, package: list[int] | tuple[int, ...], drops: dict[str, float]
) -> tuple[UnitConcession, ...]:
    """Each positive drop as the move of the party's limit on each numeric issue with a unit."""
    s = cs.scenario
    out: list[UnitConcession] = []
    for p, d in drops.items():
        if d <= 0 or p not in cs.party_ids:
            continue
        j = cs.party_ids.index(p)
        r = float(cs.reservation[j])
        for i, iss in enumerate(s.issues):
            if iss.unit is None or iss.numbers is None or len(iss.options) < 2:
                continue
            grid = np.tile(np.asarray(package, dtype=np.int64), (len(iss.options), 1))
            grid[:, i] = np.arange(len(iss.options))
            u = cs.utilities(grid)[:, j]
            xs = np.asarray(iss.numbers, dtype=np.float64)
            before, after = _limit(xs, u, r), _limit(xs, u, r - d)
            if before is None or after is None or abs(after - before) < SLACK:
                continue
            text = limit_move(s.party(p).label, iss, before, after)
            out.append(UnitConcession(p, iss.id, iss.unit, before, after, text))
    return tuple(out)


def _limit(xs: np.ndarray[Any, Any], u: np.ndarray[Any, Any], level: float) -> float | None:
    """The issue value where the (piecewise linear, monotone) utility ``u(xs)`` equals level."""
    du = np.diff(u)
    if np.all(du > 0):
        uu, xx = u, xs
    elif np.all(du < 0):
        uu, xx = u[::-1], xs[::-1]
    else:
        return None
    if level < uu[0] - SLACK or level > uu[-1] + SLACK:
        return None
    return float(np.interp(level, uu, xx))


def assumption_notes(scenario: Scenario) -> tuple[str, ...]:
    """What the utilities shown assume: no discounting, reservations before any event."""
    notes: list[str] = []
    disc = [
        (p.label, p.preferences.discount)
        for p in scenario.parties
        if p.preferences is not None and p.preferences.discount not in (None, 1.0)
    ]
    if disc:
        who = ", ".join(f"{name} {d:g}" for name, d in disc)
        notes.append(
            f"utilities are not discounted here; the discount factors per round ({who}) "
            "apply in `zopa simulate` only"
        )
    if scenario.events:
        moved = "; ".join(
            f"round {e.at}: {scenario.party(e.party).label} {e.reservation:+.3f}"
            + (f", {e.note}" if e.note else "")
            for e in scenario.events
        )
        notes.append(
            "reservations shown are those before any event; the scenario's events move them "
            f"in `zopa simulate` only ({moved})"
        )
    return tuple(notes)


def _change_words(changes: Any) -> str:
    parts = []
    for c in changes:
        a, b = c.before_label, c.after_label
        if not isinstance(c.before, int | float):
            a, b = f"'{a}'", f"'{b}'"
        parts.append(f"{c.issue_label} from {a} to {b}")
    return join(parts)


def evaluation_summary(scenario: Scenario, e: Any) -> str:
    """A draft evaluation in two or three sentences a briefing note can quote.

    ``e`` is a :class:`~zopa.analysis.drafts.DraftEvaluation` carrying its ``zone_path`` and
    ``improvement_changes``.
    """
    gating = [p.id for p in scenario.gating if p.id in e.acceptable]
    label = {p.id: p.label for p in scenario.parties}
    yes = [label[p] for p in gating if e.acceptable[p]]
    no = [p for p in gating if not e.acceptable[p]]
    out: list[str] = []
    if e.in_zone:
        out.append(f"{e.name} is in the agreement zone: acceptable to {join(yes)}.")
    else:
        why = []
        for p in no:
            bits = []
            m = e.point.margins[p]
            if m < 0:
                bits.append(f"{utility(-m)} short of its reservation")
            if e.broken.get(p):
                rules = "; ".join(red_line_words(scenario, p, r) for r in e.broken[p])
                bits.append(f"breaks its red line{'s' if len(e.broken[p]) > 1 else ''}: {rules}")
            why.append(f"{label[p]} ({'; '.join(bits) or 'not acceptable'})")
        head = f"{e.name} is acceptable to {join(yes)} but not to " if yes else f"{e.name} is "
        head += f"{join(why)}." if yes else f"acceptable to none of {join(why)}."
        out.append(head)
        if e.violated:
            rules = "; ".join(red_line_words(scenario, None, r) for r in e.violated)
            out.append(f"It breaks the scenario rule{'s' if len(e.violated) > 1 else ''}: {rules}.")
        path = e.zone_path
        if path is not None and path.changes:
            n = path.distance
            out.append(
                f"The fewest changes into the zone ({n} issue{'s' if n > 1 else ''}): "
                f"{_change_words(path.changes)}."
            )
        elif e.zone_distance is None:
            out.append("No package is acceptable to every party that must agree.")
    if e.dominated and e.improvements:
        first = e.improvement_changes[0] if e.improvement_changes else ()
        up = [
            label[p]
            for p in gating
            if e.improvements[0].utilities[p] > e.point.utilities[p] + SLACK
        ]
        if first:
            how = (
                _change_words(first)
                if len(first) <= 2
                else f"{len(first)} issues ({', '.join(c.issue_label for c in first)})"
            )
            out.append(
                f"It can be improved for {join(up)} at no one's cost, e.g. by changing {how}."
            )
    return " ".join(out)


def analysis_summary(scenario: Scenario, a: Any) -> str:
    """An :class:`~zopa.analysis.result.Analysis` in two sentences a briefing note can quote."""
    label = {p.id: p.label for p in scenario.parties}
    who = join([label.get(p, p) for p in a.parties]) if a.parties else "nobody"
    z = a.zone
    if z.exists:
        size = f"{z.size:,}" if z.exact else f"about {z.size:,} (estimated)"
        out = [f"{size} of {a.outcomes:,} packages are acceptable to {who}."]
        nash = a.solutions.get("nash")
        if nash is not None:
            gains = join([f"{label.get(p, p)} {signed(nash.margins[p])}" for p in a.parties])
            out.append(f"The Nash solution leaves them over their reservations by {gains}.")
        return " ".join(out)
    out = [f"No package is acceptable to {who}."]
    c = a.concessions
    con = None if c is None else c.uniform
    if con is not None:
        takes = concession_takes(scenario, con)
        if con.in_units:
            takes += " (" + "; ".join(u.text for u in con.in_units) + ")"
        out.append(
            f"The {CONCESSION_KINDS['uniform'].name} that opens a zone: {takes}, which opens "
            f"{package_words(scenario, con.point.package)}."
        )
    elif c is not None and c.red_lines is not None:
        n = plural(int(c.red_lines.total), "red line")
        out.append(f"Relaxing {n} would open a zone: {concession_takes(scenario, c.red_lines)}.")
    return " ".join(out)
