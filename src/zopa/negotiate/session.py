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
from dataclasses import dataclass, field
from typing import Any, Protocol

from zopa.errors import ProtocolError
from zopa.model.compiled import round_utility
from zopa.negotiate.space import OutcomeSpace, Profile, shifted

__all__ = [
    "Action",
    "Observer",
    "Session",
    "SessionConfig",
    "SessionResult",
    "Status",
    "Trace",
    "TraceEntry",
]


class Status(enum.Enum):
    """How a session ended."""

    AGREEMENT = "agreement"
    DEADLINE = "deadline"  # the round or time limit passed without agreement
    NO_AGREEMENT = "no_agreement"  # the protocol ended (a final vote failed) without agreement
    AGENT_ERROR = "agent_error"  # a strategy raised or broke the rules
    TIMEOUT = "timeout"  # a strategy call took longer than the per-call limit


class Action(enum.Enum):
    OFFER = "offer"
    ACCEPT = "accept"
    REJECT = "reject"
    VOTE = "vote"
    END = "end"


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True)
class SessionResult:
    """The outcome of a session: status, agreed package (a row of the space) and utilities.

    ``utilities`` holds each party's (discounted) utility of the agreement, or its reservation
    value (after pressure) when there is none.
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

    @property
    def agreement(self) -> bool:
        return self.status is Status.AGREEMENT

    def to_dict(self, *, trace: bool = True) -> dict[str, Any]:
        """The JSON shape of ``zopa simulate --json`` (without wall-clock time, for stability)."""
        out: dict[str, Any] = {
            "agreement": self.agreement,
            "status": self.status.value,
            "package": self.package,
            "round": self.round,
            "utilities": dict(zip(self.parties, self.utilities, strict=True)),
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
            self.profiles[p] = shifted(self.space, p, self.profiles[p], e)
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
    ) -> SessionResult:
        """The frozen result of this session ending now with ``status``."""
        if row is not None:
            d = self.config.discount**self.time if self.config.discount < 1.0 else 1.0
            utils = tuple(round_utility(float(p.u[row]) * d) for p in self.profiles)
        else:
            utils = tuple(round_utility(p.reservation) for p in self.profiles)
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
        )
