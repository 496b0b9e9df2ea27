"""Definition-literal GMCR (explicit reach sets, per-state loops): the oracle for the engine,
and hypothesis strategies for random conflicts."""

from __future__ import annotations

from collections import deque

import numpy as np
from hypothesis import strategies as st

from zopa.conflict import Conflict, ConflictOption, DecisionMaker


def unilateral(c: Conflict, i: int, k: int) -> set[int]:
    """R_i(s): feasible states differing from s only in i's options, directions respected."""
    code = int(c.codes[k])
    mask = c.dm_mask(i)
    fwd, bwd = c.direction_masks()
    out = set()
    for t, other in enumerate(c.codes.tolist()):
        d = code ^ other
        if d == 0 or d & ~mask:
            continue
        if d & fwd & code or d & bwd & ~code:
            continue
        out.add(t)
    return out


def improvements(c: Conflict, i: int, k: int) -> set[int]:
    return {t for t in unilateral(c, i, k) if c.payoffs[i, t] > c.payoffs[i, k]}


def coalition_reach(c: Conflict, members: list[int], k: int, improving: bool) -> set[int]:
    """R_H(s) / R_H⁺(s): legal sequences by members, no DM moving twice in a row."""
    seen: set[tuple[int, int]] = set()
    queue = deque([(k, -1)])
    reached: set[int] = set()
    while queue:
        s, last = queue.popleft()
        for j in members:
            if j == last:
                continue
            step = improvements(c, j, s) if improving else unilateral(c, j, s)
            for t in step:
                reached.add(t)
                if (t, j) not in seen:
                    seen.add((t, j))
                    queue.append((t, j))
    return reached


def stable(c: Conflict, concept: str, i: int, k: int) -> bool:
    p = c.payoffs[i]
    others = [j for j in range(len(c.decision_makers)) if j != i]
    for s1 in improvements(c, i, k):
        if concept == "nash":
            return False
        reach = coalition_reach(c, others, s1, improving=concept == "seq")
        if concept == "smr":
            ok = any(
                p[s2] <= p[k] and all(p[s3] <= p[k] for s3 in unilateral(c, i, s2)) for s2 in reach
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
            step = improvements(c, j, s) if improving else unilateral(c, j, s)
            for t in sorted(step):
                if (t, j) not in dist:
                    dist[(t, j)] = dist[(s, last)] + 1
                    best[t] = min(best.get(t, dist[(t, j)]), dist[(t, j)])
                    queue.append((t, j))
    return best
