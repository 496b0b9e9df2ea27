"""The walk-away value found by comparison: "Would you sign this text rather than walk away?"

A delegation cannot put a number on its alternative to a deal, but it can say whether it would
sign a given text. :func:`ladder` orders whole packages by the delegation's own utility, from
its worst acceptable text to its best, one issue moving one rung up at each step (always the
smallest step, so the ladder is as fine as the delegation's own ratings allow).
:func:`bisect` asks about the middle of what is still open, and after about log2(length)
answers the walk-away is bracketed between a text it would not sign and one it would: the
reservation is the middle of that bracket, so both answers stay true of the saved model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from zopa.model.compiled import compile_scenario, round_utility
from zopa.model.expr import Atom, Not
from zopa.model.scenario import Scenario
from zopa.records import frozen

__all__ = ["Bracket", "Rung", "bisect", "ladder"]


@frozen
class Rung:
    """A package of the ladder (issue id -> option id) and the delegation's utility of it."""

    package: dict[str, str]
    utility: float


@frozen
class Bracket:
    """Where the answers so far put the walk-away.

    ``ask`` is the rung to ask about next (None when done). ``below``/``above`` are the rungs
    answered "walk away" (best such) and "sign" (worst such); ``reservation`` is the middle of
    the bracket once it is closed. ``contradiction`` names two rungs answered the wrong way
    round (signs a worse text, walks away from a better one)."""

    ask: int | None
    below: int | None
    above: int | None
    low: float
    high: float
    reservation: float | None
    contradiction: tuple[int, int] | None = None

    @property
    def done(self) -> bool:
        return self.ask is None and self.contradiction is None


def ladder(scenario: Scenario, party: str) -> tuple[Rung, ...]:
    """Packages from the party's worst to its best, strictly rising in its utility, each one
    option better than the last on one issue; texts that break the party's red lines or the
    room's constraints are left out (they would never be signed anyway)."""
    cs = compile_scenario(scenario)
    p = cs.party_ids.index(party)
    tables = [np.asarray(t[:, p], dtype=np.float64) for t in cs.tables]
    allowed = [set(range(n)) for n in cs.sizes]
    for f in cs.red_lines[p]:  # a red line about one issue removes options from its rungs
        neg = isinstance(f, Not)
        atom = f.arg if isinstance(f, Not) else f
        if isinstance(atom, Atom):
            ok = set(range(cs.sizes[atom.issue])) - atom.allowed if neg else atom.allowed
            allowed[atom.issue] &= ok
    orders = [
        [int(k) for k in np.argsort(t, kind="stable") if int(k) in allowed[i]] or [0]
        for i, t in enumerate(tables)
    ]
    pos = [0] * len(tables)
    current = [o[0] for o in orders]
    rungs: list[Rung] = []

    def add() -> None:
        idx = np.asarray([current], dtype=np.int64)
        if not (cs.red_line_ok(idx)[0, p] and cs.feasible(idx)[0]):
            return
        u = float(round_utility(float(cs.utilities(idx)[0, p])))
        if rungs and u <= rungs[-1].utility:
            return
        rungs.append(Rung({str(k): str(v) for k, v in scenario.package(current).items()}, u))

    add()
    while True:
        steps = [
            (float(tables[i][orders[i][pos[i] + 1]] - tables[i][orders[i][pos[i]]]), i)
            for i in range(len(tables))
            if pos[i] + 1 < len(orders[i])
        ]
        if not steps:
            break
        _, i = min(steps)
        pos[i] += 1
        current[i] = orders[i][pos[i]]
        add()
    return tuple(rungs)


def bisect(utilities: Sequence[float], answers: Mapping[int, bool]) -> Bracket:
    """The next question (or the walk-away) from answers ``rung -> would sign``.

    ``utilities`` rise strictly (a :func:`ladder`). Below the worst rung the utility is taken
    as 0 and above the best as 1, so a delegation that signs everything gets a walk-away under
    its worst text and one that signs nothing gets one over its best."""
    n = len(utilities)
    no = [k for k, sign in answers.items() if not sign and 0 <= k < n]
    yes = [k for k, sign in answers.items() if sign and 0 <= k < n]
    below = max(no) if no else None
    above = min(yes) if yes else None
    low = utilities[below] if below is not None else 0.0
    high = utilities[above] if above is not None else 1.0
    if below is not None and above is not None and below >= above:
        return Bracket(None, below, above, low, high, None, (above, below))
    lo = -1 if below is None else below
    hi = n if above is None else above
    if hi - lo > 1:
        return Bracket((lo + hi) // 2, below, above, low, high, None)
    reservation = float(round_utility((low + high) / 2))
    if above is None and below is not None and low >= 1.0:
        reservation = 1.0
    return Bracket(None, below, above, low, high, reservation)
