"""The outcome space a negotiation runs over, and each party's sorted view of it.

:class:`OutcomeSpace` enumerates the feasible packages of a scenario once (packages that break
a scenario constraint can never be offered) and holds the utility of every package for every
negotiating party. A :class:`Profile` is one party's view: its utilities, the packages that keep
its red lines sorted by utility, and its current reservation value. "Find an offer near my
target" is then a binary search (:meth:`Profile.near`), never a scan.

Pressure (:class:`~zopa.model.scenario.Event`) yields a new profile: the reservation delta is
added and clipped to [0, 1]; weight deltas are added to the normalised weights, clipped at 0
and renormalised, and the utilities recomputed (:func:`shifted`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import field, replace
from functools import cached_property, lru_cache

import numpy as np
from numpy.typing import NDArray

from zopa.errors import ProtocolError
from zopa.model.compiled import CompiledScenario, compile_scenario, round_utility
from zopa.model.scenario import Event, Scenario
from zopa.records import frozen

__all__ = ["MAX_OUTCOMES", "OutcomeSpace", "Profile", "outcome_space", "shifted"]

MAX_OUTCOMES = 1_000_000
"""The largest outcome space a negotiation enumerates (packages before constraints)."""
_LIST_LIMIT = 200_000

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@frozen(eq=False)
class Profile:
    """One party's view of the outcome space.

    ``u[k]`` is the utility of package row ``k``; ``order`` lists the rows that keep the
    party's red lines by increasing utility and ``sorted_u`` their utilities.
    """

    u: FloatArray
    ok: BoolArray
    order: IntArray
    sorted_u: FloatArray
    reservation: float
    weights: tuple[float, ...]
    best: float  # the highest utility this party can get (0 if every package breaks a red line)
    best_row: int
    # Python-list mirrors of sorted_u and order: bisect on a list is several times faster than
    # np.searchsorted on one scalar (kept for spaces up to _LIST_LIMIT packages)
    _sorted: list[float] | None = field(default=None, repr=False)
    _order: list[int] | None = field(default=None, repr=False)

    def acceptable(self, row: int) -> bool:
        """The package keeps this party's red lines and reaches its reservation."""
        return bool(self.ok[row]) and self.u.item(row) >= self.reservation

    def near(self, target: float, rng: np.random.Generator | None = None) -> int:
        """A package with the lowest utility >= ``target`` (the best if none reaches it).

        A binary search over the sorted utilities; ties are broken by ``rng`` when given,
        else the first in sorted order is taken.
        """
        su = self._sorted
        order = self._order
        if su is None or order is None:
            return self._near_array(target, rng)
        n = len(su)
        i = bisect_left(su, target)
        if i >= n:
            i = n - 1
        if rng is not None:
            j = bisect_right(su, su[i], i)
            if j - i > 1:
                i = int(rng.integers(i, j))
        return order[i]

    def _near_array(self, target: float, rng: np.random.Generator | None) -> int:
        su = self.sorted_u
        i = min(int(np.searchsorted(su, target, side="left")), len(su) - 1)
        if rng is not None:
            j = int(np.searchsorted(su, su[i], side="right"))
            if j - i > 1:
                i = int(rng.integers(i, j))
        return int(self.order[i])

    def window(self, low: float, high: float) -> IntArray:
        """Rows (keeping red lines) with utility in [low, high], by increasing utility."""
        i = int(np.searchsorted(self.sorted_u, low, side="left"))
        j = int(np.searchsorted(self.sorted_u, high, side="right"))
        return self.order[i:j]


@frozen(eq=False)
class OutcomeSpace:
    """The feasible packages of a scenario and the negotiating parties' profiles.

    ``packages`` is (m x n_issues) option indices; ``parties`` are the ids of the parties with
    role ``party`` (those who must accept), in file order.
    """

    scenario: Scenario
    compiled: CompiledScenario
    packages: IntArray
    parties: tuple[str, ...]
    columns: tuple[int, ...]
    profiles: tuple[Profile, ...]

    @property
    def size(self) -> int:
        return int(self.packages.shape[0])

    def index(self, party: str) -> int:
        try:
            return self.parties.index(party)
        except ValueError:
            raise ProtocolError(
                f"`{party}` is not a negotiating party; parties: {', '.join(self.parties)}"
            ) from None

    def package(self, row: int) -> dict[str, str | float | int]:
        """Package row ``row`` as issue id -> option (numbers on numeric issues)."""
        return self.scenario.package(self.packages[row])

    def row(self, package: Mapping[str, str]) -> int:
        """The row of a package given as issue id -> option id; ProtocolError if infeasible."""
        linear = self.compiled.encode(self.scenario.indices(package))
        row = int(self._row_of[linear])
        if row < 0:
            raise ProtocolError(f"package {dict(package)} breaks a scenario constraint")
        return row

    @cached_property
    def _linear(self) -> IntArray:
        strides = np.asarray(self.compiled.strides, dtype=np.int64)
        return self.packages @ strides

    @cached_property
    def _row_of(self) -> IntArray:
        """Row of each package number, -1 for packages that break a constraint."""
        out = np.full(self.compiled.outcomes, -1, dtype=np.int64)
        out[self._linear] = np.arange(self.size, dtype=np.int64)
        return out

    def neighbours(self, row: int) -> IntArray:
        """Feasible rows that differ from ``row`` in exactly one issue (issue by issue)."""
        base = int(self._linear[row])
        cands = []
        for size, stride, k in zip(
            self.compiled.sizes, self.compiled.strides, self.packages[row], strict=True
        ):
            opts = np.arange(size, dtype=np.int64)
            opts = opts[opts != k]
            cands.append(base + (opts - int(k)) * stride)
        rows = self._row_of[np.concatenate(cands)] if cands else np.zeros(0, np.int64)
        return rows[rows >= 0]


def outcome_space(scenario: Scenario) -> OutcomeSpace:
    """Enumerate the feasible packages of ``scenario`` (at most :data:`MAX_OUTCOMES`)."""
    return _cached_space(scenario)


@lru_cache(maxsize=16)
def _cached_space(scenario: Scenario) -> OutcomeSpace:
    compiled = compile_scenario(scenario)
    if compiled.outcomes > MAX_OUTCOMES:
        raise ProtocolError(
            f"the outcome space has {compiled.outcomes:,} packages, over the negotiation "
            f"limit of {MAX_OUTCOMES:,}; coarsen numeric issues (a larger step) or merge options"
        )
    idx = compiled.decode(np.arange(compiled.outcomes, dtype=np.int64))
    packages = idx[compiled.feasible(idx)]
    if packages.shape[0] == 0:
        raise ProtocolError("no package satisfies the scenario constraints; nothing to negotiate")
    packages.setflags(write=False)
    columns = tuple(int(c) for c in compiled.gating_index)
    red_ok = compiled.red_line_ok(packages)
    profiles = []
    for c in columns:
        party = scenario.party(compiled.party_ids[c])
        assert party.preferences is not None
        w = tuple(party.preferences.weights[i.id] for i in scenario.issues)
        u = compiled.party_utilities(packages, c)
        profiles.append(_profile(u, red_ok[:, c].copy(), float(compiled.reservation[c]), w))
    return OutcomeSpace(
        scenario=scenario,
        compiled=compiled,
        packages=packages,
        parties=tuple(compiled.party_ids[c] for c in columns),
        columns=columns,
        profiles=tuple(profiles),
    )


def _utilities(
    compiled: CompiledScenario, packages: IntArray, column: int, weights: tuple[float, ...]
) -> FloatArray:
    """Utilities of ``packages`` for party ``column`` under (normalised) ``weights``.

    The one compiled computation (:meth:`CompiledScenario.party_utilities`); hyper-rectangle
    terms (GENIUS) are not re-weighted.
    """
    return compiled.party_utilities(packages, column, weights)


def _profile(u: FloatArray, ok: BoolArray, reservation: float, w: tuple[float, ...]) -> Profile:
    rows = np.flatnonzero(ok)
    order = rows[np.argsort(u[rows], kind="stable")].astype(np.int64)
    for a in (u, ok, order):
        a.setflags(write=False)
    sorted_u = u[order]
    sorted_u.setflags(write=False)
    small = len(order) <= _LIST_LIMIT
    return Profile(
        u,
        ok,
        order,
        sorted_u,
        round_utility(reservation),
        w,
        best=float(sorted_u[-1]) if len(order) else 0.0,
        best_row=int(order[-1]) if len(order) else 0,
        _sorted=sorted_u.tolist() if small else None,
        _order=order.tolist() if small else None,
    )


def shifted(space: OutcomeSpace, party: int, profile: Profile, event: Event) -> Profile:
    """``profile`` of negotiating party number ``party`` after a pressure event."""
    res = min(1.0, max(0.0, profile.reservation + event.reservation))
    if not event.weights:
        return replace(profile, reservation=round_utility(res))
    raw = [
        max(0.0, w + event.weights.get(iss.id, 0.0))
        for iss, w in zip(space.scenario.issues, profile.weights, strict=True)
    ]
    total = sum(raw)
    if total <= 0:
        raise ProtocolError(
            f"event at round {event.at} sets every weight of `{event.party}` to zero"
        )
    w = tuple(x / total for x in raw)
    u = _utilities(space.compiled, space.packages, space.columns[party], w)
    return _profile(u, profile.ok, res, w)
