"""A conformance kit every strategy must pass: :func:`check_strategy`.

Modelled on PettingZoo's ``api_test`` and Axelrod's ``TestPlayer``: the strategy plays every
protocol against a few opponents on small scenarios (two and three parties, with red lines, a
scenario constraint and a pressure event), and the kit checks that

- every offer is a package of the outcome space (feasible, in range) that it could accept
  itself (it walks away, returning None, only when no package reaches its reservation),
- it never accepts a package below its current reservation or across its red lines,
- it pickles (before and after a session), and
- the same seed gives the same play, twice over.

A failure raises :class:`~zopa.errors.AgentError` naming the strategy, protocol and check.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from typing import Any

import numpy as np

from zopa.errors import AgentError
from zopa.model.build import build_scenario
from zopa.model.scenario import Scenario
from zopa.negotiate.protocols import PROTOCOLS, run
from zopa.negotiate.registry import make_strategy
from zopa.negotiate.session import Session, SessionConfig, SessionResult, Status, Trace
from zopa.negotiate.space import outcome_space
from zopa.negotiate.strategies import Negotiator

__all__ = ["check_strategy", "tiny_scenario"]

_OPPONENTS = ("boulware", "conceder", "hardliner", "random")


def tiny_scenario(parties: int = 2) -> Scenario:
    """A small scenario (3 issues, 60 packages) with a constraint, a red line and an event."""
    names = ["north", "south", "east"][:parties]
    values = [
        ({"a": 1.0, "b": 0.5, "c": 0.0}, {"x": 0.0, "y": 1.0}, {0: 0.0, 3: 1.0}),
        ({"a": 0.0, "b": 0.6, "c": 1.0}, {"x": 1.0, "y": 0.2}, {0: 1.0, 3: 0.0}),
        ({"a": 0.3, "b": 1.0, "c": 0.4}, {"x": 0.5, "y": 0.5}, {0: 0.5, 3: 0.8}),
    ]
    data: dict[str, Any] = {
        "title": "conformance",
        "issues": [
            {"id": "one", "options": ["a", "b", "c"]},
            {"id": "two", "options": ["x", "y"]},
            {"id": "three", "numeric": {"min": 0, "max": 3, "step": 1}},
        ],
        "constraints": ["not (one == a and two == x)"],
        "parties": [
            {
                "id": n,
                "preferences": {
                    "weights": {"one": 0.5 - 0.1 * k, "two": 0.2 + 0.1 * k, "three": 0.3},
                    "values": dict(zip(("one", "two", "three"), values[k], strict=True)),
                    "reservation": 0.3,
                    "red_lines": ["one != c"] if k == 0 else [],
                },
            }
            for k, n in enumerate(names)
        ],
        "events": [{"at": 5, "party": names[-1], "reservation": 0.2, "weights": {"one": 0.3}}],
    }
    return build_scenario(data)


class _Checked(Negotiator):
    """Wraps a negotiator and checks its every move."""

    def __init__(self, inner: Negotiator, label: str) -> None:
        super().__init__()
        self.inner = inner
        self.label = label

    def start(self, me: int, rng: np.random.Generator) -> None:
        super().start(me, rng)
        self.inner.start(me, rng)

    def _fail(self, what: str) -> AgentError:
        return AgentError(f"{self.label}: {what}")

    def propose(self, state: Session) -> int | None:
        row = self.inner.propose(state)
        if row is None:
            if state.profiles[self.me].best >= state.profiles[self.me].reservation:
                raise self._fail("walked away although an acceptable package exists")
            return None
        if isinstance(row, bool) or not isinstance(row, int | np.integer):
            raise self._fail(f"proposed {row!r}, not a package row")
        if not 0 <= int(row) < state.space.size:
            raise self._fail(f"proposed row {row}, outside the outcome space")
        if not state.profiles[self.me].acceptable(int(row)):
            raise self._fail("proposed a package below its reservation or across a red line")
        return int(row)

    def respond(self, state: Session, offer: int) -> bool:
        yes = self.inner.respond(state, offer)
        if yes and not state.profiles[self.me].acceptable(offer):
            raise self._fail("accepted a package below its reservation or across a red line")
        return bool(yes)

    def vote(self, state: Session, current: int, proposed: int) -> bool:
        return self.inner.vote(state, current, proposed)

    def critique(self, state: Session, text: int) -> Any:
        return self.inner.critique(state, text)


def _play(
    strategy: Negotiator, scenario: Scenario, proto: str, seat: int, seed: int, label: str
) -> SessionResult:
    space = outcome_space(scenario)
    negs: list[Negotiator] = [
        make_strategy(_OPPONENTS[(seed + k) % len(_OPPONENTS)])
        for k in range(space.size and len(space.parties))
    ]
    negs[seat] = _Checked(pickle.loads(pickle.dumps(strategy)), label)
    session = Session(space, SessionConfig(deadline=20))
    result = run(PROTOCOLS[proto](), session, negs, np.random.default_rng(seed), Trace())
    if result.status is Status.AGENT_ERROR:
        raise AgentError(f"{label}: {result.error}")
    return result


def check_strategy(
    strategy: Negotiator,
    *,
    seeds: Sequence[int] = (0, 1),
    scenarios: Sequence[Scenario] | None = None,
) -> None:
    """Raise :class:`AgentError` unless ``strategy`` passes every conformance check."""
    try:
        pickle.loads(pickle.dumps(strategy))
    except Exception as exc:
        raise AgentError(f"{strategy!r} does not pickle: {exc}") from exc
    for scenario in scenarios or (tiny_scenario(2), tiny_scenario(3)):
        n = len(outcome_space(scenario).parties)
        for proto in PROTOCOLS:
            if proto == "alternating" and n != 2:
                continue
            for seed in seeds:
                for seat in range(n):
                    label = f"{strategy!r} in {proto} (seat {seat}, seed {seed}, {n} parties)"
                    first = _play(strategy, scenario, proto, seat, seed, label)
                    again = _play(strategy, scenario, proto, seat, seed, label)
                    if first.to_dict() != again.to_dict():
                        raise AgentError(f"{label}: the same seed gave a different play")
    try:
        pickle.loads(pickle.dumps(strategy))
    except Exception as exc:
        raise AgentError(f"{strategy!r} does not pickle after play: {exc}") from exc
