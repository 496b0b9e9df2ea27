"""A negotiation run: the mutable :class:`Session` over a frozen scenario, and its result.

A :class:`Session` holds the clock (round, turn, seconds), the standing offers, the parties'
current (pressure-shifted) profiles and the history; strategies read it as their ``state``.
Everything about a finished run is a frozen :class:`SessionResult` with ``to_dict()``.
Observers (a trace, a progress bar) are passed in, never switched on by flags.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Sequence
from dataclasses import field
from typing import Any, Protocol

from zopa.errors import ProtocolError
from zopa.model.compiled import round_utility
from zopa.negotiate.space import OutcomeSpace, Profile, shifted
from zopa.records import frozen

__all__ = [
    "Action",
    "FiredEvent",
    "Observer",
    "Session",
    "SessionConfig",
    "SessionResult",
    "Status",
    "Trace",
    "TraceEntry",
]


class Status(enum.Enum):
    """How a session ended; ``text`` is the phrase every report uses for it."""

    AGREEMENT = "agreement"
    DEADLINE = "deadline"  # the round or time limit passed without agreement
    NO_AGREEMENT = "no_agreement"  # a party walked away or the final vote failed
    AGENT_ERROR = "agent_error"  # a strategy raised or broke the rules
    TIMEOUT = "timeout"  # a strategy call took longer than the per-call limit

    @property
    def text(self) -> str:
        return _STATUS_TEXT[self]


_STATUS_TEXT = {
    Status.AGREEMENT: "agreement",
    Status.DEADLINE: "no agreement: the deadline passed",
    Status.NO_AGREEMENT: "no agreement",
    Status.AGENT_ERROR: "stopped: a strategy failed",
    Status.TIMEOUT: "stopped: a strategy took too long",
}


class Action(enum.Enum):
    OFFER = "offer"
    ACCEPT = "accept"
    REJECT = "reject"
    VOTE = "vote"
    END = "end"


@frozen(slots=True)
class SessionConfig:
    """The rules of one session.

    ``deadline`` is in rounds (one round = every party moves once, or one mediator step);
    ``seconds`` an optional wall-clock limit; ``discount`` the factor d of the time discount
    u * d**t (t = relative time of the agreement, 0..1); ``call_timeout`` the limit in seconds
    on one strategy call (checked when the call returns); ``events`` applies the scenario's
    scheduled pressure events.
    """

    deadline: int = 100
    seconds: float | None = None
    discount: float = 1.0
    call_timeout: float | None = None
    events: bool = True

    def __post_init__(self) -> None:
        if self.deadline < 1:
            raise ProtocolError(f"the deadline must be at least 1 round, not {self.deadline}")
        if self.seconds is not None and self.seconds <= 0:
            raise ProtocolError(f"the time limit must be positive, not {self.seconds}")
        if not 0.0 < self.discount <= 1.0:
            raise ProtocolError(f"the discount factor must be in (0, 1], not {self.discount}")
        if self.call_timeout is not None and self.call_timeout <= 0:
            raise ProtocolError(f"the call timeout must be positive, not {self.call_timeout}")


@frozen(slots=True)
class FiredEvent:
    """A pressure event as it was applied: when, to whom, and what it changed."""

    round: int
    party: str
    note: str
    reservation_before: float
    reservation_after: float
    weights: tuple[tuple[str, float], ...] = ()  # (issue, change of the raw weight)

    def describe(self) -> str:
        """``reservation 0.450 -> 0.400`` (and the weight changes), in words."""
        parts = [f"reservation {self.reservation_before:.3f} -> {self.reservation_after:.3f}"]
        parts += [f"weight of {issue} {delta:+g}" for issue, delta in self.weights]
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "party": self.party,
            "note": self.note,
            "reservation": [self.reservation_before, self.reservation_after],
            "weights": dict(self.weights),
        }


@frozen(slots=True)
class TraceEntry:
    round: int
    party: str
    action: Action
    row: int | None
    utilities: tuple[float, ...]


class Observer(Protocol):
    """Receives every action of a session as it happens."""

    def on_action(self, session: Session, party: str, action: Action, row: int | None) -> None: ...


class Trace:
    """An observer that records every action with the parties' utilities at that moment."""

    def __init__(self) -> None:
        self.entries: list[TraceEntry] = []

    def on_action(self, session: Session, party: str, action: Action, row: int | None) -> None:
        utils = session.utilities(row) if row is not None else ()
        self.entries.append(TraceEntry(session.round, party, action, row, utils))


@frozen
class SessionResult:
    """The outcome of a session: status, agreed package (a row of the space) and utilities.

    ``utilities`` holds each party's (discounted) utility of the agreement, or its reservation
    value (after pressure) when there is none. Without agreement, ``blocked_by`` names the
    parties that stood in the way (who walked away, who voted no in a final vote, or to whom
    the last offer on the table was unacceptable) and ``walked_away`` the party that left.
    ``events`` lists the pressure events that fired, in order.
    """

    status: Status
    parties: tuple[str, ...]
    row: int | None
    package: dict[str, str | float | int] | None
    round: int | None
    utilities: tuple[float, ...]
    seconds: float
    error: str = ""
    trace: tuple[TraceEntry, ...] = field(default=(), repr=False)
    space: OutcomeSpace | None = field(default=None, repr=False, compare=False)
    protocol: str = ""
    events: tuple[FiredEvent, ...] = ()
    blocked_by: tuple[str, ...] = ()
    walked_away: str | None = None
    last_offer: dict[str, str | float | int] | None = None

    @property
    def agreement(self) -> bool:
        return self.status is Status.AGREEMENT

    @property
    def summary(self) -> str:
        """One sentence: what happened and, without agreement, who stood in the way."""
        if self.agreement:
            return f"agreement in round {self.round}"
        if self.walked_away:
            return f"no agreement: {self.walked_away} walked away"
        text = self.status.text
        if self.error and self.status in (Status.AGENT_ERROR, Status.TIMEOUT):
            return f"{text} ({self.error})"
        if self.status is Status.NO_AGREEMENT and self.blocked_by:
            return f"{text}: rejected by {', '.join(self.blocked_by)}"
        if self.blocked_by:
            return f"{text}; the last offer was unacceptable to {', '.join(self.blocked_by)}"
        if self.status is Status.DEADLINE and self.last_offer is not None:
            return f"{text}; the last offer met every reservation but was not accepted in time"
        return text

    def to_dict(self, *, trace: bool = True) -> dict[str, Any]:
        """The JSON shape of ``zopa simulate --json`` (without wall-clock time, for stability)."""
        out: dict[str, Any] = {
            "agreement": self.agreement,
            "status": self.status.value,
            "summary": self.summary,
            "protocol": self.protocol,
            "package": self.package,
            "round": self.round,
            "utilities": dict(zip(self.parties, self.utilities, strict=True)),
            "blocked_by": list(self.blocked_by),
            "walked_away": self.walked_away,
            "last_offer": self.last_offer,
            "events": [e.to_dict() for e in self.events],
        }
        if self.error:
            out["error"] = self.error
        if trace:
            out["trace"] = [self._entry(e) for e in self.trace]
        return out

    def _entry(self, e: TraceEntry) -> dict[str, Any]:
        pkg = self.space.package(e.row) if self.space is not None and e.row is not None else None
        return {
            "round": e.round,
            "party": e.party,
            "action": e.action.value,
            "package": pkg,
            "utilities": dict(zip(self.parties, e.utilities, strict=False)),
        }


class Session:
    """The mutable state of one negotiation; strategies receive it as ``state``.

    ``round`` counts rounds from 0; ``turn`` counts single moves; ``time`` is the relative time
    in [0, 1] strategies concede on. ``history`` lists (party number, row) of every offer.
    """

    def __init__(self, space: OutcomeSpace, config: SessionConfig | None = None) -> None:
        self.space = space
        self.config = config or SessionConfig()
        self.profiles: list[Profile] = list(space.profiles)
        self.round = 0
        self.turn = 0
        self.turns = self.config.deadline * len(space.parties)
        self.time = 0.0
        self.history: list[tuple[int, int]] = []
        self.standing: int | None = None
        self.text: int | None = None  # the single negotiating text, in mediated protocols
        self.temperature = 0.0  # the mediator's annealing temperature, in mediated protocols
        self.observers: tuple[Observer, ...] = ()
        self._events = sorted(
            (e for e in space.scenario.events if e.party in space.parties)
            if self.config.events
            else (),
            key=lambda e: e.at,
        )
        self._next_event = 0
        self.fired: list[FiredEvent] = []
        self._start = time.perf_counter()
        self._apply_events()

    @property
    def n(self) -> int:
        return len(self.profiles)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._start

    def set_turn(self, turn: int) -> None:
        """Move the clock to ``turn`` (and its round), applying due pressure events."""
        self.turn = turn
        r = turn // self.n
        t = turn / self.turns
        if self.config.seconds is not None:
            t = max(t, self.elapsed / self.config.seconds)
        self.time = min(1.0, t)
        if r != self.round:
            self.round = r
            self._apply_events()

    def set_round(self, r: int) -> None:
        """Move the clock to round ``r`` (mediated protocols count rounds, not turns)."""
        self.set_turn(r * self.n)

    def expired(self) -> bool:
        return self.round >= self.config.deadline or (
            self.config.seconds is not None and self.elapsed >= self.config.seconds
        )

    def _apply_events(self) -> None:
        events = self._events
        while self._next_event < len(events) and events[self._next_event].at <= self.round:
            e = events[self._next_event]
            p = self.space.index(e.party)
            before = self.profiles[p].reservation
            self.profiles[p] = shifted(self.space, p, self.profiles[p], e)
            self.fired.append(
                FiredEvent(
                    self.round,
                    e.party,
                    e.note,
                    before,
                    self.profiles[p].reservation,
                    tuple(sorted(e.weights.items())),
                )
            )
            self._next_event += 1

    def utilities(self, row: int) -> tuple[float, ...]:
        return tuple(round_utility(float(p.u[row])) for p in self.profiles)

    def notify(self, party: str, action: Action, row: int | None) -> None:
        for o in self.observers:
            o.on_action(self, party, action, row)

    def result(
        self,
        status: Status,
        row: int | None = None,
        error: str = "",
        trace: Sequence[TraceEntry] = (),
        *,
        blocked_by: Sequence[str] | None = None,
        walked_away: str | None = None,
    ) -> SessionResult:
        """The frozen result of this session ending now with ``status``.

        Without agreement and without ``blocked_by``, the parties blocking are those to whom
        the last offer on the table (the standing offer or the mediator's text) is unacceptable
        under their current, pressure-shifted profiles.
        """
        last = self.text if self.text is not None else self.standing
        if row is not None:
            d = self.config.discount**self.time if self.config.discount < 1.0 else 1.0
            utils = tuple(round_utility(float(p.u[row]) * d) for p in self.profiles)
            blocked: tuple[str, ...] = ()
        else:
            utils = tuple(round_utility(p.reservation) for p in self.profiles)
            if walked_away is not None:
                blocked = (walked_away,)
            elif blocked_by is not None:
                blocked = tuple(blocked_by)
            elif last is not None:
                blocked = tuple(
                    name
                    for name, p in zip(self.space.parties, self.profiles, strict=True)
                    if not p.acceptable(last)
                )
            else:
                blocked = ()
        return SessionResult(
            status=status,
            parties=self.space.parties,
            row=row,
            package=self.space.package(row) if row is not None else None,
            round=self.round if row is not None else None,
            utilities=utils,
            seconds=self.elapsed,
            error=error,
            trace=tuple(trace),
            space=self.space,
            events=tuple(self.fired),
            blocked_by=blocked,
            walked_away=walked_away,
            last_offer=self.space.package(last) if row is None and last is not None else None,
        )
