"""Coalition analysis and status quo analysis over legal move sequences.

A *legal sequence* for a set of DMs ``H`` is a sequence of unilateral moves by members of
``H`` in which no DM moves twice in a row (Fang, Hipel & Kilgour 1993; Kilgour, Hipel, Fang
& Peng 2001). Single-source searches run breadth first over (state, last mover) pairs with
NumPy frontiers; the all-sources closure for coalition analysis keeps one bitset of sources
per (state, last mover), updated one XOR move mask at a time (a Boolean matrix closure in
the spirit of Xu, Hipel & Kilgour 2009).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from zopa.conflict.model import Conflict
from zopa.conflict.moves import MoveTable, move_tables
from zopa.conflict.stability import StabilityResult, analyze
from zopa.errors import AnalysisError
from zopa.records import frozen

__all__ = [
    "MAX_COALITION_STATES",
    "CoalitionResult",
    "PathStep",
    "StatusQuoResult",
    "coalition_analysis",
    "coalition_improvements",
    "status_quo_analysis",
]

MAX_COALITION_STATES = 16_384
"""Coalition analysis keeps n × n bits per coalition member (32 MB at this size)."""
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@frozen
class PathStep:
    """One move: ``dm`` moves the conflict from state ``source`` to ``target`` (1-based)."""

    dm: str
    source: int
    target: int


@frozen
class _Search:
    """Shortest legal sequences from one state: parent pointers over (state, last mover)."""

    reached: BoolArray  # (dms, states): state reached with that DM moving last
    parent_state: IntArray
    parent_last: IntArray
    depth: IntArray  # (dms, states): moves in the shortest such sequence (-1: unreached)

    def path_to(self, conflict: Conflict, target: int) -> tuple[PathStep, ...] | None:
        """A shortest legal sequence to ``target``: over every last mover, the fewest moves
        (ties: the DM listed first), then the parent pointers of the breadth-first search."""
        movers = np.flatnonzero(self.reached[:, target])
        if movers.size == 0:
            return None
        steps: list[PathStep] = []
        best = movers[np.argmin(self.depth[movers, target])]  # argmin: first of the shortest
        state, last = target, int(best)
        while last >= 0:
            prev, prev_last = (
                int(self.parent_state[last, state]),
                int(self.parent_last[last, state]),
            )
            steps.append(PathStep(conflict.dm_ids[last], prev + 1, state + 1))
            state, last = prev, prev_last
        return tuple(reversed(steps))


def _search(
    conflict: Conflict,
    tables: list[MoveTable],
    members: Sequence[int],
    start: int,
    improving: bool,
) -> _Search:
    n_dm, n = len(tables), conflict.n_states
    reached = np.zeros((n_dm, n), dtype=bool)
    p_state = np.full((n_dm, n), -1, dtype=np.int64)
    p_last = np.full((n_dm, n), -1, dtype=np.int64)
    depth = np.full((n_dm, n), -1, dtype=np.int64)
    frontier = [(np.array([start]), -1)]
    level = 0
    while frontier:
        level += 1
        nxt: list[tuple[IntArray, int]] = []
        for j in members:
            found = _expand(conflict, tables[j], j, frontier, improving)
            if found is None:
                continue
            src, last, dst = found
            fresh = ~reached[j, dst]
            dst, first = np.unique(dst[fresh], return_index=True)
            if dst.size == 0:
                continue
            reached[j, dst] = True
            depth[j, dst] = level
            p_state[j, dst] = src[fresh][first]
            p_last[j, dst] = last[fresh][first]
            nxt.append((dst, j))
        frontier = nxt
    return _Search(reached, p_state, p_last, depth)


def _expand(
    conflict: Conflict,
    table: MoveTable,
    j: int,
    frontier: list[tuple[IntArray, int]],
    improving: bool,
) -> tuple[IntArray, IntArray, IntArray] | None:
    srcs = [(s, last) for s, last in frontier if last != j]
    if not srcs or table.width == 0:
        return None
    src = np.concatenate([s for s, _ in srcs])
    last = np.concatenate([np.full(s.size, lj, dtype=np.int64) for s, lj in srcs])
    dst = table.rows_at(src).reshape(-1)
    src_rep, last_rep = np.repeat(src, table.width), np.repeat(last, table.width)
    ok = dst < table.n
    if improving:
        pay = conflict.payoffs[j]
        ok &= pay[np.minimum(dst, table.n - 1)] > pay[src_rep]
    return src_rep[ok], last_rep[ok], dst[ok].astype(np.int64)


@frozen(eq=False)
class StatusQuoResult:
    """States reachable from the status quo, and a shortest path to each equilibrium."""

    conflict: Conflict
    status_quo: int
    improvements_only: bool
    reachable: tuple[int, ...]
    paths: dict[int, tuple[PathStep, ...] | None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "status_quo": self.status_quo,
            "improvements_only": self.improvements_only,
            "reachable": list(self.reachable),
            "paths": {
                str(k): None if p is None else [vars(s) for s in p] for k, p in self.paths.items()
            },
        }


def status_quo_analysis(
    conflict: Conflict,
    status_quo: int | None = None,
    *,
    targets: Sequence[int] | None = None,
    improvements_only: bool = False,
    result: StabilityResult | None = None,
) -> StatusQuoResult:
    """Which states (1-based ids) legal sequences by all DMs reach from the status quo, and
    the shortest path to each target (default: every equilibrium under any concept).

    Li, Hipel, Kilgour & Fang (2004); Xu, Kilgour, Hipel & Kemkes (2010). With
    ``improvements_only`` every move must be a unilateral improvement for its mover.
    """
    sq = (
        status_quo
        if status_quo is not None
        else (None if conflict.status_quo is None else conflict.status_quo + 1)
    )
    if sq is None or not 1 <= sq <= conflict.n_states:
        raise AnalysisError(
            "status quo analysis needs a status quo state: give 'status_quo' "
            f"in the conflict file or a state id 1..{conflict.n_states}"
        )
    if targets is None:
        res = result or analyze(conflict)
        targets = sorted({k for c in res.stable for k in res.equilibria(c)})
    tables = move_tables(conflict)
    found = _search(conflict, tables, range(len(tables)), sq - 1, improvements_only)
    reach: BoolArray = np.asarray(found.reached.any(axis=0))
    reach[sq - 1] = True
    paths = {t: (() if t == sq else found.path_to(conflict, t - 1)) for t in targets}
    return StatusQuoResult(
        conflict, sq, improvements_only, tuple(int(k) + 1 for k in np.flatnonzero(reach)), paths
    )


def coalition_improvements(
    conflict: Conflict, coalition: Sequence[str], state: int
) -> tuple[int, ...]:
    """R_H⁺⁺(s): states in R_H(s) that every member of H strictly prefers (1-based ids);
    Kilgour, Hipel, Fang & Peng (2001)."""
    members = _members(conflict, coalition)
    found = _search(conflict, move_tables(conflict), members, state - 1, False)
    reach = found.reached.any(axis=0)
    better = np.all(conflict.payoffs[members] > conflict.payoffs[members, state - 1, None], axis=0)
    return tuple(int(k) + 1 for k in np.flatnonzero(reach & better))


def _members(conflict: Conflict, coalition: Sequence[str]) -> list[int]:
    unknown = [d for d in coalition if d not in conflict.dm_ids]
    if unknown or len(set(coalition)) < 2:
        raise AnalysisError(
            f"a coalition needs two or more known DMs, got {list(coalition)}; "
            f"DMs: {', '.join(conflict.dm_ids)}"
        )
    return sorted(conflict.dm_ids.index(d) for d in set(coalition))


@frozen(eq=False)
class CoalitionResult:
    """Coalition Nash stability: per coalition, the states with no coalition improvement;
    ``equilibria``: Nash equilibria stable for every coalition analysed."""

    conflict: Conflict
    stable: dict[tuple[str, ...], tuple[int, ...]]
    equilibria: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "coalitions": [{"members": list(k), "stable": list(v)} for k, v in self.stable.items()],
            "equilibria": list(self.equilibria),
        }


def coalition_analysis(
    conflict: Conflict,
    coalitions: Sequence[Sequence[str]] | None = None,
    result: StabilityResult | None = None,
) -> CoalitionResult:
    """Coalition Nash stability (Kilgour, Hipel, Fang & Peng 2001) for each coalition
    (default: every set of two or more DMs): s is stable for H when R_H⁺⁺(s) is empty."""
    if conflict.n_states > MAX_COALITION_STATES:
        raise AnalysisError(
            f"coalition analysis is exact and needs n² bits; {conflict.n_states}"
            f" states exceed {MAX_COALITION_STATES}; use "
            "coalition_improvements() for single states"
        )
    dms = conflict.dm_ids
    if coalitions is None:
        coalitions = [c for r in range(2, len(dms) + 1) for c in combinations(dms, r)]
    tables = move_tables(conflict)
    stable: dict[tuple[str, ...], tuple[int, ...]] = {}
    for coalition in coalitions:
        members = _members(conflict, coalition)
        key = tuple(dms[m] for m in members)
        ok = ~_has_coalition_improvement(conflict, tables, members)
        stable[key] = tuple(int(k) + 1 for k in np.flatnonzero(ok))
    nash = (result or analyze(conflict)).stable["nash"].all(axis=0)
    for ids in stable.values():
        nash &= np.isin(np.arange(1, conflict.n_states + 1), ids)
    return CoalitionResult(conflict, stable, tuple(int(k) + 1 for k in np.flatnonzero(nash)))


def _has_coalition_improvement(
    conflict: Conflict, tables: list[MoveTable], members: list[int]
) -> BoolArray:
    n = conflict.n_states
    words = (n + 7) // 8
    seed = np.packbits(np.eye(n, dtype=bool), axis=1)  # row y: sources at y with no move yet
    reach = {j: np.zeros((n + 1, words), dtype=np.uint8) for j in members}
    changed = True
    while changed:
        changed = False
        for j in members:
            into = seed.copy()
            for lj in members:
                if lj != j:
                    into |= reach[lj][:n]
            new = reach[j].copy()
            dst = tables[j].rows(0, n)
            for m in range(tables[j].width):
                new[dst[:, m]] |= into
            new[n] = 0
            if not np.array_equal(new, reach[j]):
                reach[j], changed = new, True
    union = np.bitwise_or.reduce([reach[j][:n] for j in members])
    bits = np.unpackbits(union, axis=1, count=n).astype(bool)  # bits[y, s]: y ∈ R_H(s)
    pay = conflict.payoffs[members]
    better = np.all(pay[:, :, None] > pay[:, None, :], axis=0)  # better[y, s]
    return np.asarray((bits & better).any(axis=0))
