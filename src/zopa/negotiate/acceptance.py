"""Acceptance conditions as small named combinators.

A condition decides whether a negotiator accepts an offer worth ``u`` to it; conditions
combine with ``&`` (:class:`AllOf`) and ``|`` (:class:`AnyOf`). Python's ``and``/``or`` would
silently drop one side, so using a condition as a truth value raises ``TypeError``.
The reservation value and red lines are checked by the negotiator before any condition, so
no condition can make it accept below its reservation.

The conditions follow Baarslag, Hindriks & Jonker (2014), "Effective acceptance conditions in
multilateral negotiation" (AC_const, AC_next, AC_time).

>>> cond = AcceptAbove(0.6) | AcceptAfter(0.95)
>>> cond
AnyOf(conditions=(AcceptAbove(threshold=0.6), AcceptAfter(time=0.95)))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from zopa.records import frozen

if TYPE_CHECKING:
    from zopa.negotiate.session import Session

__all__ = ["AcceptAbove", "AcceptAfter", "AcceptNext", "AllOf", "AnyOf", "Condition", "Targeting"]


class Targeting(Protocol):
    """What :class:`AcceptNext` needs of a negotiator: the utility it would offer next."""

    def target(self, state: Session) -> float: ...


class Condition:
    """Base of the acceptance conditions; combine with ``&`` and ``|``."""

    __slots__ = ()

    def holds(self, state: Session, negotiator: Targeting, u: float) -> bool:
        raise NotImplementedError

    def __and__(self, other: Condition) -> AllOf:
        return AllOf((self, other))

    def __or__(self, other: Condition) -> AnyOf:
        return AnyOf((self, other))

    def __bool__(self) -> bool:
        raise TypeError("combine acceptance conditions with & or |, not `and` / `or`")


@frozen(slots=True)
class AcceptAbove(Condition):
    """AC_const: accept an offer worth at least ``threshold``."""

    threshold: float

    def holds(self, state: Session, negotiator: Targeting, u: float) -> bool:
        return u >= self.threshold


@frozen(slots=True)
class AcceptNext(Condition):
    """AC_next(a, b): accept when ``a * u + b`` reaches the utility I would offer next."""

    a: float = 1.0
    b: float = 0.0

    def holds(self, state: Session, negotiator: Targeting, u: float) -> bool:
        return self.a * u + self.b >= negotiator.target(state)


@frozen(slots=True)
class AcceptAfter(Condition):
    """AC_time: accept anything acceptable once the relative time reaches ``time``."""

    time: float

    def holds(self, state: Session, negotiator: Targeting, u: float) -> bool:
        return state.time >= self.time


@frozen(slots=True)
class AllOf(Condition):
    conditions: tuple[Condition, ...]

    def holds(self, state: Session, negotiator: Targeting, u: float) -> bool:
        return all(c.holds(state, negotiator, u) for c in self.conditions)


@frozen(slots=True)
class AnyOf(Condition):
    conditions: tuple[Condition, ...]

    def holds(self, state: Session, negotiator: Targeting, u: float) -> bool:
        return any(c.holds(state, negotiator, u) for c in self.conditions)
