"""Explicit preference rankings: tiers of states, most preferred first, ties within a tier.

A tier is one entry or a list of entries; an entry is a 1-based state id or a pattern of
``Y``/``N``/``-`` per option in file order (``-``: either), which stands for every feasible
state it matches. Every feasible state must be ranked exactly once.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from zopa.conflict.model import Conflict
from zopa.errors import ScenarioError

__all__ = ["payoffs_from_ranking", "states_matching"]

IntArray = npt.NDArray[np.int64]


def states_matching(conflict: Conflict, entry: object, where: str) -> IntArray:
    """0-based indices of the feasible states an entry (id or pattern) names."""
    n_opt = len(conflict.options)
    if isinstance(entry, bool) or not isinstance(entry, int | str):
        raise _error(conflict, f"expected a state id or a Y/N/- pattern, got {entry!r}", where)
    if isinstance(entry, int):
        if not 1 <= entry <= conflict.n_states:
            raise _error(conflict, f"state id {entry} out of range 1..{conflict.n_states}", where)
        return np.array([entry - 1], dtype=np.int64)
    if len(entry) != n_opt or set(entry) - set("YN-"):
        raise _error(
            conflict,
            f"pattern {entry!r} must have one of Y, N or - per option "
            f"({n_opt} options: {', '.join(o.id for o in conflict.options)})",
            where,
        )
    care = sum(1 << j for j, ch in enumerate(entry) if ch != "-")
    want = sum(1 << j for j, ch in enumerate(entry) if ch == "Y")
    hits = np.flatnonzero((conflict.codes & care) == want).astype(np.int64)
    if hits.size == 0:
        raise _error(conflict, f"pattern {entry!r} matches no feasible state", where)
    return hits


def payoffs_from_ranking(conflict: Conflict, raw: object, where: str) -> IntArray:
    """Payoffs from tiers (best first): tier ``t`` of ``T`` gets payoff ``T - t``."""
    if not isinstance(raw, list) or not raw:
        raise _error(conflict, "expected a non-empty list of tiers, most preferred first", where)
    payoffs = np.zeros(conflict.n_states, dtype=np.int64)
    n_tiers = len(raw)
    for t, tier in enumerate(raw):
        entries = tier if isinstance(tier, list) else [tier]
        for e, entry in enumerate(entries):
            here = f"{where}[{t}]" + (f"[{e}]" if isinstance(tier, list) else "")
            hits = states_matching(conflict, entry, here)
            again = hits[payoffs[hits] != 0]
            if again.size:
                raise _error(conflict, f"state(s) {_ids(conflict, again)} ranked twice", here)
            payoffs[hits] = n_tiers - t
    missing = np.flatnonzero(payoffs == 0)
    if missing.size:
        raise _error(
            conflict,
            f"state(s) {_ids(conflict, missing)} not ranked",
            where,
            "rank every feasible state exactly once (use '-' patterns for groups)",
        )
    return payoffs


def _ids(conflict: Conflict, idx: IntArray) -> str:
    shown = ", ".join(f"{k + 1} ({conflict.pattern(int(k))})" for k in idx[:8])
    return shown + (f" and {idx.size - 8} more" if idx.size > 8 else "")


def _error(conflict: Conflict, message: str, where: str, hint: str = "") -> ScenarioError:
    return ScenarioError(
        message, file=conflict.source, where=where, hint=hint or "see 'ranking' in docs/conflict.md"
    )
