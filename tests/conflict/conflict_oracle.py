"""Definition-literal GMCR (explicit reach sets, per-state loops): the oracle for the engine,
and hypothesis strategies for random conflicts.

The oracle has its own move logic, sharing none of the engine's (no move tables, no cubes,
not even the model's bit masks): a state is a row of Y/N per option, and a DM's unilateral
move from s to t is read off the definition with NumPy over every pair of states at once:
t differs from s, only in options that DM controls, and each option that changes may change
that way (``forward``: only N -> Y; ``backward``: only Y -> N). The move matrices are built
once per conflict and reach sets are memoised, so the oracle stays cheap.
"""

from __future__ import annotations

from collections import deque
from functools import cache

import numpy as np
from hypothesis import strategies as st

from zopa.conflict import Conflict, ConflictOption, DecisionMaker

_LAST: list[tuple[Conflict, _Oracle]] = []


class _Oracle:
    def __init__(self, c: Conflict) -> None:
        k = len(c.options)
        taken = (c.codes.astype(np.int64)[:, None] >> np.arange(k)) & 1  # states x options: Y=1
        y = taken.astype(bool)
        direction = [o.direction for o in c.options]
        both = np.array([d == "both" for d in direction])
        forward = np.array([d == "forward" for d in direction])
        backward = np.array([d == "backward" for d in direction])
        changes = y[:, None, :] != y[None, :, :]  # [s, t, option]
        # an option may change from s when it is reversible, or only N -> Y (forward) and s
        # has N, or only Y -> N (backward) and s has Y
        may = both | (forward & ~y) | (backward & y)  # [s, option]
        self.moves = []
        for dm in c.decision_makers:
            own = np.array([o.id in dm.options for o in c.options])
            legal = ~changes | (own & may[:, None, :])
            self.moves.append(changes.any(axis=2) & legal.all(axis=2))
        self.payoffs = c.payoffs
        self.unilateral = [
            [frozenset(np.flatnonzero(row).tolist()) for row in m] for m in self.moves
        ]
        self.improving = [
            [
                frozenset(np.flatnonzero(row & (c.payoffs[i] > c.payoffs[i, s])).tolist())
                for s, row in enumerate(m)
            ]
            for i, m in enumerate(self.moves)
        ]
        self.reach = cache(self._reach)

    def step(self, j: int, s: int, improving: bool) -> frozenset[int]:
        return (self.improving if improving else self.unilateral)[j][s]

    def _reach(self, members: tuple[int, ...], k: int, improving: bool) -> frozenset[int]:
        """R_H(s) / R_H⁺(s): legal sequences by members, no DM moving twice in a row."""
        seen: set[tuple[int, int]] = set()
        queue = deque([(k, -1)])
        reached: set[int] = set()
        while queue:
            s, last = queue.popleft()
            for j in members:
                if j == last:
                    continue
                for t in self.step(j, s, improving):
                    reached.add(t)
                    if (t, j) not in seen:
                        seen.add((t, j))
                        queue.append((t, j))
        return frozenset(reached)


def _oracle(c: Conflict) -> _Oracle:
    """The oracle's tables for ``c`` (the last conflict's are kept)."""
    if not _LAST or _LAST[0][0] is not c:
        _LAST[:] = [(c, _Oracle(c))]
    return _LAST[0][1]


def unilateral(c: Conflict, i: int, k: int) -> set[int]:
    """R_i(s): feasible states differing from s only in i's options, directions respected."""
    return set(_oracle(c).unilateral[i][k])


def improvements(c: Conflict, i: int, k: int) -> set[int]:
    return set(_oracle(c).improving[i][k])


def coalition_reach(c: Conflict, members: list[int], k: int, improving: bool) -> set[int]:
    """R_H(s) / R_H⁺(s): legal sequences by members, no DM moving twice in a row."""
    return set(_oracle(c).reach(tuple(members), k, improving))


def stable(c: Conflict, concept: str, i: int, k: int) -> bool:
    o = _oracle(c)
    p = c.payoffs[i]
    others = tuple(j for j in range(len(c.decision_makers)) if j != i)
    for s1 in o.improving[i][k]:
        if concept == "nash":
            return False
        reach = o.reach(others, s1, concept == "seq")
        if concept == "smr":
            ok = any(
                p[s2] <= p[k] and all(p[s3] <= p[k] for s3 in o.unilateral[i][s2]) for s2 in reach
            )
        else:
            ok = any(p[s2] <= p[k] for s2 in reach)
        if not ok:
            return False
    return True


def oracle_table(c: Conflict, concept: str) -> np.ndarray:
    n = len(c.decision_makers)
    return np.array(
        [[stable(c, concept, i, k) for k in range(c.n_states)] for i in range(n)], dtype=bool
    ).reshape(n, c.n_states)


@st.composite
def conflicts(draw: st.DrawFn, max_dms: int = 4, max_options: int = 7) -> Conflict:
    n_dms = draw(st.integers(2, max_dms))
    sizes = [draw(st.integers(1, 3)) for _ in range(n_dms)]
    while sum(sizes) > max_options:
        sizes[sizes.index(max(sizes))] -= 1
    n_opt = sum(sizes)
    dirs = draw(
        st.lists(
            st.sampled_from(["both", "both", "forward", "backward"]), min_size=n_opt, max_size=n_opt
        )
    )
    options = tuple(ConflictOption(f"o{j}", "", d) for j, d in enumerate(dirs))
    dms, j = [], 0
    for i, size in enumerate(sizes):
        dms.append(DecisionMaker(f"dm{i}", tuple(f"o{x}" for x in range(j, j + size))))
        j += size
    feasible = (
        draw(st.lists(st.booleans(), min_size=1 << n_opt, max_size=1 << n_opt).filter(any))
        if draw(st.booleans())
        else [True] * (1 << n_opt)
    )
    codes = np.flatnonzero(feasible).astype(np.int64)
    levels = draw(st.integers(1, 6))
    pay = draw(
        st.lists(st.integers(1, levels), min_size=n_dms * codes.size, max_size=n_dms * codes.size)
    )
    payoffs = np.array(pay, dtype=np.int64).reshape(n_dms, codes.size)
    return Conflict("random", options, tuple(dms), codes, payoffs)


def shortest_moves(c: Conflict, k: int, improving: bool) -> dict[int, int]:
    """Fewest moves of a legal sequence (all DMs, no DM twice in a row) from k to each state
    it reaches: a plain breadth-first search over (state, last mover) pairs."""
    everyone = range(len(c.decision_makers))
    dist: dict[tuple[int, int], int] = {(k, -1): 0}
    queue = deque([(k, -1)])
    best: dict[int, int] = {k: 0}
    while queue:
        s, last = queue.popleft()
        for j in everyone:
            if j == last:
                continue
            for t in sorted(_oracle(c).step(j, s, improving)):
                if (t, j) not in dist:
                    dist[(t, j)] = dist[(s, last)] + 1
                    best[t] = min(best.get(t, dist[(t, j)]), dist[(t, j)])
                    queue.append((t, j))
    return best
