"""The standard sentences: what a concession takes, a limit moved in the issue's unit, a
criterion of distance from agreement, and the verdict on a revision. Each is written here once;
the library's results carry them and every output shows them as they are.

The functions take the results' fields (or any object with the same attributes), so this module
needs nothing from :mod:`zopa.analysis` and the library can build its answers with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from zopa.records import frozen
from zopa.vocab.labels import party_label, red_line_words
from zopa.vocab.numbers import amount, utility
from zopa.vocab.words import join, possessive

if TYPE_CHECKING:
    from zopa.model.scenario import Issue, Scenario

__all__ = [
    "CONCESSION_KINDS",
    "ConcessionKind",
    "concession_takes",
    "criterion_words",
    "limit_move",
    "verdict",
]


@frozen(slots=True)
class ConcessionKind:
    key: str
    name: str
    meaning: str


CONCESSION_KINDS: Mapping[str, ConcessionKind] = {
    k.key: k
    for k in (
        ConcessionKind(
            "uniform",
            "smallest equal drop",
            "every party lowers its reservation by the same amount",
        ),
        ConcessionKind("min_sum", "least total drop", "the reservation drops add up to the least"),
        ConcessionKind(
            "min_max", "smallest largest drop", "no party has to drop its reservation by more"
        ),
        ConcessionKind(
            "red_lines", "fewest red lines relaxed", "keeps every reservation, relaxes red lines"
        ),
    )
}


class _Concession(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def total(self) -> float: ...
    @property
    def drops(self) -> Mapping[str, float]: ...
    @property
    def relaxed(self) -> tuple[tuple[str, str], ...]: ...


def concession_takes(scenario: Scenario, c: _Concession) -> str:
    """What a concession asks of the parties, in one phrase:

    ``every reservation down by 0.050`` / ``Russia -0.030, Ukraine -0.020 (sum 0.050)`` /
    ``... (largest 0.030)`` / ``Russia relaxes its red line “...”``.
    """
    if c.kind == "red_lines":
        return (
            "; ".join(
                f"{party_label(scenario, p)} relaxes its red line: {red_line_words(scenario, p, t)}"
                for p, t in c.relaxed
            )
            or "no red line relaxed"
        )
    if c.kind == "uniform":
        return f"every reservation down by {utility(c.total)}"
    drops = join(
        (f"{party_label(scenario, p)} -{utility(x)}" for p, x in c.drops.items() if x > 0),
        empty="no drop",
    )
    what = "sum" if c.kind == "min_sum" else "largest"
    return f"{drops} ({what} {utility(c.total)})"


def limit_move(party: str, issue: Issue, before: float, after: float) -> str:
    """A reservation drop as the move of a party's limit on a numeric issue:
    ``Buyer's limit on Sale price up by EUR 10,000 (EUR 300,000 → EUR 310,000)``."""
    way = "up" if after > before else "down"
    by = amount(abs(after - before), issue.unit)
    return (
        f"{possessive(party)} limit on {issue.label} {way} by {by} "
        f"({amount(before, issue.unit)} → {amount(after, issue.unit)})"
    )


class _Criterion(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def party(self) -> str | None: ...
    @property
    def before(self) -> float: ...
    @property
    def after(self) -> float: ...


_CRITERIA = {
    "red_lines_broken": "red lines crossed",
    "constraints_violated": "scenario rules broken",
    "zone_distance": "issues to change to reach the zone",
}


def criterion_words(scenario: Scenario, k: _Criterion) -> str:
    """``Ukraine's reservation shortfall 0.152 → 0.000`` / ``red lines crossed 2 → 1``."""
    if k.name == "shortfall":
        who = party_label(scenario, k.party or "")
        return f"{possessive(who)} reservation shortfall {utility(k.before)} → {utility(k.after)}"
    name = _CRITERIA.get(k.name, k.name.replace("_", " "))
    return f"{name} {k.before:g} → {k.after:g}"


MOVES: Mapping[str, str] = {
    "into_zone": "moves it into the agreement zone",
    "out_of_zone": "moves it out of the agreement zone",
    "inside_zone": "keeps it inside the agreement zone",
    "closer": "moves it closer to an agreement",
    "further": "moves it further from an agreement",
    "mixed": "moves it neither closer to nor further from an agreement",
    "as_far": "leaves it as far from an agreement",
}


def verdict(
    scenario: Scenario,
    gains: Mapping[str, float],
    changed: bool,
    movement: str,
    criteria: Sequence[tuple[_Criterion, str]] | Iterable[tuple[_Criterion, str]],
) -> str:
    """The verdict on a revision in labels: who gains, who loses, where it moves the text and
    the criteria that moved it. ``criteria`` pairs each criterion with its change
    (``closer``, ``further`` or ``same``)."""
    if not changed:
        return "the two drafts are the same package"
    up = [party_label(scenario, p) for p, g in gains.items() if g > 0]
    down = [party_label(scenario, p) for p, g in gains.items() if g < 0]
    parts = []
    if up:
        parts.append("improves the draft for " + join(up))
    if down:
        parts.append("worsens it for " + join(down))
    if not up and not down:
        parts.append("changes no party's utility")
    move = MOVES.get(movement, movement.replace("_", " "))
    crit = list(criteria)
    if movement in ("closer", "further", "mixed"):
        better = [criterion_words(scenario, c) for c, ch in crit if ch == "closer"]
        worse = [criterion_words(scenario, c) for c, ch in crit if ch == "further"]
        if movement == "mixed":
            move += f" (closer on {'; '.join(better)}; but further on {'; '.join(worse)})"
        else:
            move += f" ({'; '.join(better or worse)})"
    return "; ".join(parts) + "; " + move
