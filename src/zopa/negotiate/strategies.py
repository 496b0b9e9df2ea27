"""Negotiation strategies: ``propose(state)`` and ``respond(state, offer)``.

Offers are rows of the :class:`~zopa.negotiate.space.OutcomeSpace`; ``state`` is the
:class:`~zopa.negotiate.session.Session`. A negotiator reads its current (pressure-shifted)
profile as ``state.profiles[self.me]`` and proposes ``None`` to walk
away; "an offer near my target" is a binary search over the
profile's sorted utilities. :meth:`Negotiator.respond` never accepts a package that breaks the
negotiator's red lines or falls below its current reservation, whatever its condition says.

Strategies:

- :class:`TimeDependent` — Faratin, Sierra & Jennings (1998), "Negotiation decision functions
  for autonomous agents": target(t) = r + (max - r)(1 - F(t)), F(t) = k + (1 - k) t^(1/e);
  Boulware (e < 1), linear (e = 1), conceder (e > 1).
- :class:`Hardliner` — always its best package; accepts only that much.
- :class:`TitForTat` — relative tit-for-tat, the imitative tactic of Faratin, Sierra & Jennings
  (1998) after Axelrod (1984): concede in my utility what the others conceded.
- :class:`RandomNegotiator` — a random acceptable package; accepts acceptable offers with
  probability ``p``.
- :class:`Frequency` — Boulware concession, and among packages near the target the one a
  frequency opponent model (Baarslag et al. 2013, "Predicting the performance of opponent
  models in automated negotiation"; as in HardHeaded, ANAC 2011) predicts the others like most.

Mediated protocols also ask a negotiator to :meth:`~Negotiator.vote` on a change of the single
text (Klein et al. 2003: accept if not worse, or with probability exp(delta/T) under an
annealing mediator's temperature T) and to :meth:`~Negotiator.critique` a text (Fisher's
one-text procedure: the single-issue changes it would like, best first).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from zopa.negotiate.acceptance import AcceptAbove, AcceptNext, Condition
from zopa.negotiate.session import Session
from zopa.records import frozen

__all__ = [
    "Boulware",
    "Conceder",
    "Frequency",
    "Hardliner",
    "Linear",
    "Negotiator",
    "RandomNegotiator",
    "TimeDependent",
    "TitForTat",
    "Traits",
]

IntArray = NDArray[np.int64]


@frozen(slots=True)
class Traits:
    """What kind of strategy this is (for tables and for choosing opponents)."""

    concedes: bool
    time_dependent: bool
    models_opponent: bool
    stochastic: bool


class Negotiator:
    """Base of all strategies. Subclasses set ``name``/``traits`` and override
    :meth:`propose` and :meth:`target`; :meth:`respond` applies the acceptance condition."""

    name: ClassVar[str] = "negotiator"
    traits: ClassVar[Traits] = Traits(False, False, False, False)

    def __init__(self, accept: Condition | None = None) -> None:
        self.accept: Condition = AcceptNext() if accept is None else accept
        self.me = 0
        self.rng = np.random.default_rng(0)

    def start(self, me: int, rng: np.random.Generator) -> None:
        """Take seat ``me`` (a party number of the space) for a new session."""
        self.me = me
        self.rng = rng

    def params(self) -> dict[str, Any]:
        """The parameters as given on the command line (``name:k=v,...``)."""
        return {}

    def target(self, state: Session) -> float:
        """The utility this negotiator aims at now."""
        return state.profiles[self.me].best

    def propose(self, state: Session) -> int | None:
        """A package to offer, or None to walk away (no package reaches the reservation)."""
        p = state.profiles[self.me]
        if p.best < p.reservation:
            return None
        return p.near(self.target(state), self.rng)

    def respond(self, state: Session, offer: int) -> bool:
        """True accepts ``offer``; never below the reservation or across a red line."""
        p = state.profiles[self.me]
        if not p.ok[offer]:
            return False
        u = p.u.item(offer)
        return u >= p.reservation and self.accept.holds(state, self, u)

    def vote(self, state: Session, current: int, proposed: int) -> bool:
        """Keep the change of the single text from ``current`` to ``proposed``?"""
        p = state.profiles[self.me]
        if not p.ok[proposed] and p.ok[current]:
            return False
        delta = float(p.u[proposed]) - float(p.u[current])
        if delta >= 0:
            return True
        t = state.temperature
        return t > 0 and bool(self.rng.random() < math.exp(delta / t))

    def critique(self, state: Session, text: int) -> IntArray:
        """Single-issue changes of ``text`` this negotiator would gain from, best first."""
        p = state.profiles[self.me]
        rows = state.space.neighbours(text)
        rows = rows[p.ok[rows] & (p.u[rows] > p.u[text])]
        out: IntArray = rows[np.argsort(-p.u[rows], kind="stable")]
        return out

    def __repr__(self) -> str:
        args = ",".join(f"{k}={v}" for k, v in self.params().items())
        return self.name + (f":{args}" if args else "")


class TimeDependent(Negotiator):
    """Faratin, Sierra & Jennings (1998) time-dependent tactic with exponent ``e``."""

    name: ClassVar[str] = "time-dependent"
    traits: ClassVar[Traits] = Traits(True, True, False, False)

    def __init__(self, e: float = 1.0, k: float = 0.0, accept: Condition | None = None) -> None:
        super().__init__(accept)
        if e <= 0:
            raise ValueError(f"the concession exponent e must be positive, not {e}")
        if not 0.0 <= k <= 1.0:
            raise ValueError(f"the initial concession k must be in [0, 1], not {k}")
        self.e = float(e)
        self.k = float(k)

    def params(self) -> dict[str, Any]:
        return {"e": self.e, "k": self.k}

    def target(self, state: Session) -> float:
        p = state.profiles[self.me]
        f = self.k + (1.0 - self.k) * math.pow(state.time, 1.0 / self.e)
        return p.reservation + (p.best - p.reservation) * (1.0 - f)


class Boulware(TimeDependent):
    name: ClassVar[str] = "boulware"

    def __init__(self, e: float = 0.2, k: float = 0.0, accept: Condition | None = None) -> None:
        super().__init__(e, k, accept)


class Linear(TimeDependent):
    name: ClassVar[str] = "linear"

    def __init__(self, e: float = 1.0, k: float = 0.0, accept: Condition | None = None) -> None:
        super().__init__(e, k, accept)


class Conceder(TimeDependent):
    name: ClassVar[str] = "conceder"

    def __init__(self, e: float = 5.0, k: float = 0.0, accept: Condition | None = None) -> None:
        super().__init__(e, k, accept)


class Hardliner(Negotiator):
    """Offers its best package every time and accepts nothing less."""

    name: ClassVar[str] = "hardliner"
    traits: ClassVar[Traits] = Traits(False, False, False, False)


class TitForTat(Negotiator):
    """Relative tit-for-tat: give up, in my own utility, what the others gave me since their
    first offer (averaged over them), times ``rate``; never below the reservation."""

    name: ClassVar[str] = "tit-for-tat"
    traits: ClassVar[Traits] = Traits(True, False, False, False)

    def __init__(self, rate: float = 1.0, accept: Condition | None = None) -> None:
        super().__init__(accept)
        if rate < 0:
            raise ValueError(f"the reciprocation rate must be >= 0, not {rate}")
        self.rate = float(rate)

    def params(self) -> dict[str, Any]:
        return {"rate": self.rate}

    def start(self, me: int, rng: np.random.Generator) -> None:
        super().start(me, rng)
        self._first: dict[int, int] = {}
        self._last: dict[int, int] = {}
        self._seen = 0

    def target(self, state: Session) -> float:
        hist = state.history
        for party, row in hist[self._seen :]:
            if party != self.me:
                self._first.setdefault(party, row)
                self._last[party] = row
        self._seen = len(hist)
        p = state.profiles[self.me]
        if not self._first:
            return p.best
        gains = [float(p.u[self._last[q]] - p.u[self._first[q]]) for q in self._first]
        given = max(0.0, sum(gains) / len(gains)) * self.rate
        return max(p.reservation, p.best - given)


class RandomNegotiator(Negotiator):
    """A uniformly random acceptable package; accepts acceptable offers with probability p."""

    name: ClassVar[str] = "random"
    traits: ClassVar[Traits] = Traits(True, False, False, True)

    def __init__(self, p: float = 0.5) -> None:
        super().__init__(AcceptAbove(0.0))
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"the acceptance probability p must be in [0, 1], not {p}")
        self.p = float(p)

    def params(self) -> dict[str, Any]:
        return {"p": self.p}

    def propose(self, state: Session) -> int | None:
        prof = state.profiles[self.me]
        rows = prof.window(prof.reservation, math.inf)
        if not len(rows):
            return None
        return int(rows[int(self.rng.integers(len(rows)))])

    def respond(self, state: Session, offer: int) -> bool:
        return super().respond(state, offer) and bool(self.rng.random() < self.p)


class Frequency(TimeDependent):
    """Time-dependent concession steered by a frequency model of the other parties.

    The model (Baarslag et al. 2013): per opponent, option counts per issue, and issue weights
    that grow by ``learn`` whenever an issue keeps its option between two consecutive offers.
    Among the packages within ``width`` above the target it offers the one with the highest
    predicted mean utility for the others.
    """

    name: ClassVar[str] = "frequency"
    traits: ClassVar[Traits] = Traits(True, True, True, False)
    _MAX_CANDIDATES: ClassVar[int] = 512

    def __init__(
        self,
        e: float = 0.2,
        width: float = 0.05,
        learn: float = 0.1,
        accept: Condition | None = None,
    ) -> None:
        super().__init__(e, 0.0, accept)
        self.width = float(width)
        self.learn = float(learn)

    def params(self) -> dict[str, Any]:
        return {"e": self.e, "width": self.width, "learn": self.learn}

    def start(self, me: int, rng: np.random.Generator) -> None:
        super().start(me, rng)
        self._counts: dict[int, list[NDArray[np.float64]]] = {}
        self._weights: dict[int, NDArray[np.float64]] = {}
        self._last: dict[int, int] = {}
        self._seen = 0

    def _observe(self, state: Session) -> None:
        pk = state.space.packages
        for party, row in state.history[self._seen :]:
            if party == self.me:
                continue
            if party not in self._counts:
                self._counts[party] = [np.zeros(s) for s in state.space.compiled.sizes]
                self._weights[party] = np.full(len(pk[row]), 1.0 / len(pk[row]))
            opts = pk[row]
            for i, o in enumerate(opts):
                self._counts[party][i][o] += 1.0
            if party in self._last:
                w = self._weights[party]
                w += self.learn * (pk[self._last[party]] == opts)
                w /= w.sum()
            self._last[party] = row
        self._seen = len(state.history)

    def propose(self, state: Session) -> int | None:
        self._observe(state)
        p = state.profiles[self.me]
        target = self.target(state)
        if p.best < p.reservation:
            return None
        if not self._counts:
            return p.near(target, self.rng)
        rows = p.window(target, target + self.width)[: self._MAX_CANDIDATES]
        if len(rows) <= 1:
            return p.near(target, self.rng)
        cand = state.space.packages[rows]
        score = np.zeros(len(rows))
        for party, counts in self._counts.items():
            w = self._weights[party]
            for i, c in enumerate(counts):
                score += w[i] * c[cand[:, i]] / max(1.0, float(c.max()))
        return int(rows[int(np.argmax(score))])
