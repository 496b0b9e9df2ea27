"""Negotiation protocols: each is one short loop over a :class:`Session`.

- :class:`AlternatingOffers` — Rubinstein's (1982) alternating offers for two parties, and the
  stacked alternating offers protocol for more (Aydoğan, Festen, Hindriks & Jonker 2017,
  "Alternating offers protocols for multilateral negotiation"): in turn each party accepts the
  standing offer or replaces it with its own; a deal when all the others accepted it.
- :class:`SingleText` — the mediated single negotiating text of Klein, Faratin, Sayama &
  Bar-Yam (2003), "Protocols for negotiating complex contracts": the mediator proposes a change
  of the text (one issue mutated) and keeps it only if every party votes for it. The hill-
  climbing mediator asks for strict votes; the annealing mediator sets a falling temperature
  under which parties may accept a worse text (probability exp(delta/T)). When the rounds run
  out each party says yes or no to the final text.
- :class:`OneText` — Fisher's one-text procedure (Fisher & Ury 1981; Raiffa 1982, ch. 14, Camp
  David): parties critique the text, the mediator adopts a critique no party objects to, until
  no party can improve it; then each party says yes or no, once.

Strategy calls go through :func:`_call`: an exception becomes ``Status.AGENT_ERROR`` with its
text, and a call that returns after more than ``SessionConfig.call_timeout`` seconds ends the
session with ``Status.TIMEOUT`` (a cooperative check: a call that never returns is not
interrupted; run tournaments with a session time limit in worker processes for that).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import field
from typing import Any, Protocol, TypeVar

import numpy as np

from zopa.errors import ProtocolError
from zopa.negotiate.session import Action, Session, SessionResult, Status, Trace
from zopa.negotiate.strategies import Negotiator
from zopa.records import frozen

__all__ = [
    "AUTO",
    "PROTOCOLS",
    "AlternatingOffers",
    "AnnealingMediator",
    "HillClimbingMediator",
    "Mediator",
    "NegotiationProtocol",
    "OneText",
    "SingleText",
    "fitting",
    "protocol",
    "run",
]

T = TypeVar("T")
MEDIATOR = "mediator"
PROTOCOL = "protocol"  # the party named in a trace's final `end` entry


class _Stop(Exception):
    def __init__(self, status: Status, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


class NegotiationProtocol(Protocol):
    @property
    def name(self) -> str: ...

    def run(
        self, session: Session, negotiators: Sequence[Negotiator], rng: np.random.Generator
    ) -> SessionResult: ...


def run(
    protocol: NegotiationProtocol,
    session: Session,
    negotiators: Sequence[Negotiator],
    rng: np.random.Generator,
    trace: Trace | None = None,
) -> SessionResult:
    """Run ``protocol`` on ``session``; ``negotiators[k]`` sits for party ``k`` of the space."""
    if len(negotiators) != session.n:
        raise ProtocolError(
            f"{len(negotiators)} negotiators for {session.n} parties "
            f"({', '.join(session.space.parties)})"
        )
    if trace is not None:
        session.observers = (*session.observers, trace)
    for k, (neg, child) in enumerate(zip(negotiators, rng.spawn(len(negotiators)), strict=True)):
        neg.start(k, child)
    try:
        result = protocol.run(session, negotiators, rng)
    except _Stop as stop:
        session.notify(PROTOCOL, Action.END, None)
        result = session.result(stop.status, error=stop.text)
    from dataclasses import replace

    return replace(
        result,
        protocol=protocol.name,
        trace=tuple(trace.entries) if trace is not None else result.trace,
    )


def _call(session: Session, party: int, neg: Negotiator, fn: Callable[..., T], *args: Any) -> T:
    limit = session.config.call_timeout
    t0 = time.perf_counter() if limit is not None else 0.0
    try:
        out = fn(*args)
    except Exception as exc:
        raise _Stop(
            Status.AGENT_ERROR,
            f"{session.space.parties[party]} ({neg!r}) raised {type(exc).__name__}: {exc}",
        ) from exc
    if limit is not None and (took := time.perf_counter() - t0) > limit:
        raise _Stop(
            Status.TIMEOUT,
            f"{session.space.parties[party]} ({neg!r}) took {took:.3f} s, over {limit:g} s",
        )
    return out


def _row(session: Session, party: int, neg: Negotiator, row: object) -> int:
    """Check that a proposal is a package of the outcome space."""
    if type(row) is int and 0 <= row < session.space.size:
        return row
    if (
        isinstance(row, bool)
        or not isinstance(row, int | np.integer)
        or not (0 <= int(row) < session.space.size)
    ):
        raise _Stop(
            Status.AGENT_ERROR,
            f"{session.space.parties[party]} ({neg!r}) offered {row!r}, "
            f"not a package of the outcome space (0..{session.space.size - 1})",
        )
    return int(row)


def _accepts(session: Session, party: int, neg: Negotiator, row: int) -> bool:
    yes = _call(session, party, neg, neg.respond, session, row)
    if yes and not session.profiles[party].acceptable(row):
        raise _Stop(
            Status.AGENT_ERROR,
            f"{session.space.parties[party]} ({neg!r}) accepted a package below its "
            "reservation or across its red lines",
        )
    return bool(yes)


@frozen(slots=True)
class AlternatingOffers:
    """Alternating offers (``bilateral``: exactly two parties) or stacked alternating offers."""

    bilateral: bool = False

    @property
    def name(self) -> str:
        return "alternating" if self.bilateral else "stacked"

    def run(
        self, session: Session, negotiators: Sequence[Negotiator], rng: np.random.Generator
    ) -> SessionResult:
        n = session.n
        if self.bilateral and n != 2:
            raise ProtocolError(
                f"bilateral alternating offers needs 2 parties, the scenario has {n}; "
                "use the stacked protocol"
            )
        names = session.space.parties
        timed = session.config.seconds is not None
        watched = bool(session.observers)
        standing: int | None = None
        accepted = 0
        for turn in range(session.turns):
            session.set_turn(turn)
            if timed and session.expired():
                break
            k = turn % n
            neg = negotiators[k]
            if standing is not None and _accepts(session, k, neg, standing):
                accepted += 1
                if watched:
                    session.notify(names[k], Action.ACCEPT, standing)
                if accepted >= n - 1:
                    session.notify(PROTOCOL, Action.END, standing)
                    return session.result(Status.AGREEMENT, standing)
                continue
            offer = _call(session, k, neg, neg.propose, session)
            if offer is None:  # walks away
                session.notify(names[k], Action.END, None)
                return session.result(
                    Status.NO_AGREEMENT, error=f"{names[k]} walked away", walked_away=names[k]
                )
            standing = _row(session, k, neg, offer)
            if not session.profiles[k].acceptable(standing):
                raise _Stop(
                    Status.AGENT_ERROR,
                    f"{names[k]} ({neg!r}) offered a package "
                    "below its own reservation or across its red lines",
                )
            session.standing = standing
            session.history.append((k, standing))
            accepted = 0
            if watched:
                session.notify(names[k], Action.OFFER, standing)
        session.notify(PROTOCOL, Action.END, None)
        return session.result(Status.DEADLINE)


class Mediator:
    """An algorithmic mediator holding the single negotiating text.

    It starts from the scenario's last draft when that is feasible, else from a random package,
    and proposes changes of one issue at a time (Klein et al. 2003).
    """

    name = "mediator"

    def temperature(self, t: float) -> float:
        return 0.0

    def start_text(self, session: Session, rng: np.random.Generator) -> int:
        sc = session.space.scenario
        for d in reversed(sc.drafts):
            try:
                return session.space.row(d.package)
            except ProtocolError:
                continue
        return int(rng.integers(session.space.size))

    def mutate(self, session: Session, text: int, rng: np.random.Generator) -> int:
        rows = session.space.neighbours(text)
        return int(rows[int(rng.integers(len(rows)))]) if len(rows) else text


class HillClimbingMediator(Mediator):
    """Keeps a change only when every party is strictly no worse off."""

    name = "hill-climbing"


@frozen(slots=True)
class AnnealingMediator(Mediator):
    """Simulated annealing: temperature ``t0 * (1 - t)`` falls to 0 at the deadline."""

    t0: float = 0.2
    name = "annealing"

    def temperature(self, t: float) -> float:
        return self.t0 * max(0.0, 1.0 - t)


@frozen(slots=True)
class SingleText:
    """Klein et al. (2003): mediator proposes, every party votes, unanimity keeps a change."""

    mediator: Mediator = field(default_factory=HillClimbingMediator)
    name = "single-text"

    def run(
        self, session: Session, negotiators: Sequence[Negotiator], rng: np.random.Generator
    ) -> SessionResult:
        names = session.space.parties
        text = self.mediator.start_text(session, rng)
        session.text = text
        session.notify(MEDIATOR, Action.OFFER, text)
        for r in range(session.config.deadline):
            session.set_round(r)
            if session.expired():
                break
            session.temperature = self.mediator.temperature(session.time)
            proposal = self.mediator.mutate(session, text, rng)
            votes = [
                bool(_call(session, k, neg, neg.vote, session, text, proposal))
                for k, neg in enumerate(negotiators)
            ]
            for k, yes in enumerate(votes):
                session.notify(names[k], Action.VOTE if yes else Action.REJECT, proposal)
            if all(votes):
                text = proposal
                session.text = text
                session.history.append((-1, text))
                session.notify(MEDIATOR, Action.OFFER, text)
        return _final_vote(session, negotiators, text)


@frozen(slots=True)
class OneText:
    """Fisher's one-text procedure: critique, revise, repeat; then one yes-or-no each."""

    mediator: Mediator = field(default_factory=HillClimbingMediator)
    name = "one-text"

    def run(
        self, session: Session, negotiators: Sequence[Negotiator], rng: np.random.Generator
    ) -> SessionResult:
        text = self.mediator.start_text(session, rng)
        session.text = text
        session.notify(MEDIATOR, Action.OFFER, text)
        for r in range(session.config.deadline):
            session.set_round(r)
            if session.expired():
                break
            revised = self._revise(session, negotiators, text, r)
            if revised is None:
                break  # no party can improve the text without another objecting
            text = revised
            session.text = text
            session.history.append((-1, text))
            session.notify(MEDIATOR, Action.OFFER, text)
        return _final_vote(session, negotiators, text)

    def _revise(
        self, session: Session, negotiators: Sequence[Negotiator], text: int, r: int
    ) -> int | None:
        n = len(negotiators)
        for j in range(n):
            k = (r + j) % n  # the parties' critiques are heard in rotating order
            neg = negotiators[k]
            wishes = _call(session, k, neg, neg.critique, session, text)
            for row in list(wishes)[:3]:
                row = _row(session, k, neg, row)
                if all(
                    _call(session, q, other, other.vote, session, text, row)
                    for q, other in enumerate(negotiators)
                    if q != k
                ):
                    session.notify(session.space.parties[k], Action.OFFER, row)
                    return row
        return None


def _final_vote(session: Session, negotiators: Sequence[Negotiator], text: int) -> SessionResult:
    names = session.space.parties
    session.time = 1.0  # the final yes-or-no is taken at the deadline: no more bargaining
    no: list[str] = []
    for k, neg in enumerate(negotiators):
        ok = _accepts(session, k, neg, text)
        session.notify(names[k], Action.ACCEPT if ok else Action.REJECT, text)
        if not ok:
            no.append(names[k])
    session.notify(PROTOCOL, Action.END, None if no else text)
    if no:
        return session.result(Status.NO_AGREEMENT, blocked_by=no)
    return session.result(Status.AGREEMENT, text)


AUTO = "auto"
"""Protocol name meaning: bilateral alternating offers for two parties, stacked for more."""


def fitting(name: str, parties: int) -> str:
    """The protocol name to use for ``parties`` negotiating parties (resolves ``auto``)."""
    if name == AUTO:
        return "alternating" if parties == 2 else "stacked"
    return name


PROTOCOLS: dict[str, Callable[[], NegotiationProtocol]] = {
    "alternating": lambda: AlternatingOffers(bilateral=True),
    "stacked": AlternatingOffers,
    "single-text": SingleText,
    "single-text-annealing": lambda: SingleText(AnnealingMediator()),
    "one-text": OneText,
}


def protocol(name: str) -> NegotiationProtocol:
    """The protocol registered as ``name``; ProtocolError lists the valid names."""
    try:
        return PROTOCOLS[name]()
    except KeyError:
        raise ProtocolError(
            f"unknown protocol `{name}`; choose one of: {', '.join(PROTOCOLS)}"
        ) from None
