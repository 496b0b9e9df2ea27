"""Stability analysis: Nash (R), GMR, SMR and SEQ for every DM and state, and equilibria.

Definitions (Fang, Hipel & Kilgour 1993, ch. 4; multi-DM sanctions as in Fang et al. and
Xu, Hipel & Kilgour 2009), for DM ``i``, state ``s`` and ``H = N∖{i}``:

- Nash: ``R_i⁺(s) = ∅``.
- GMR: every ``s1 ∈ R_i⁺(s)`` has some ``s2 ∈ R_H(s1)`` with ``P_i(s2) ≤ P_i(s)``.
- SMR: as GMR, and moreover every ``s3 ∈ R_i(s2)`` has ``P_i(s3) ≤ P_i(s)``.
- SEQ: as GMR with ``s2 ∈ R_H⁺(s1)`` (every sanctioning move an improvement for its mover).

``R_H(s1)`` is the set reached by legal sequences of unilateral moves by members of ``H`` in
which no DM moves twice in a row. The engine never materialises those sets: each condition
is "the least key reachable from ``s1`` is at most ``P_i(s)``", with key ``P_i`` (GMR, SEQ)
or ``max(P_i(s2), max P_i over R_i(s2))`` (SMR). The least reachable key is the fixed point,
over (state, last mover) pairs, of ``A_j(x) = min over y ∈ R_j(x) of min(key(y), W(y, j))``
with ``W(y, j) = min over l ∈ H∖{j} of A_l(y)`` — a vectorised Bellman–Ford relaxation that
is the min-plus counterpart of the Boolean matrix closure of Xu, Hipel & Kilgour (2009).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from zopa.conflict._moves import MoveTable, move_tables
from zopa.conflict.model import Conflict

__all__ = ["CONCEPTS", "ConceptStability", "StabilityResult", "analyze"]

CONCEPTS: tuple[str, ...] = ("nash", "gmr", "smr", "seq")
CONCEPT_NAMES: Mapping[str, str] = {
    "nash": "Nash (R)",
    "gmr": "general metarationality (GMR)",
    "smr": "symmetric metarationality (SMR)",
    "seq": "sequential stability (SEQ)",
}

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
INF = np.int64(1 << 60)
NEG = np.int64(-(1 << 60))


@dataclass(frozen=True)
class ConceptStability:
    """One solution concept: stable state ids per DM and the equilibria (stable for all)."""

    concept: str
    per_dm: Mapping[str, tuple[int, ...]]
    equilibria: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "per_dm": {dm: list(ids) for dm, ids in self.per_dm.items()},
            "equilibria": list(self.equilibria),
        }


@dataclass(frozen=True, eq=False)
class StabilityResult:
    """Stability of every state for every DM under each concept.

    ``stable[concept]`` is a Boolean array of shape (DMs, states) indexed by 0-based state
    index; state ids in the per-concept views are 1-based.
    """

    conflict: Conflict
    stable: Mapping[str, BoolArray]

    def concept(self, name: str) -> ConceptStability:
        table = self.stable[name]
        per_dm = {
            dm: tuple(int(k) + 1 for k in np.flatnonzero(table[i]))
            for i, dm in enumerate(self.conflict.dm_ids)
        }
        eq = tuple(int(k) + 1 for k in np.flatnonzero(table.all(axis=0)))
        return ConceptStability(name, per_dm, eq)

    def equilibria(self, name: str) -> tuple[int, ...]:
        return self.concept(name).equilibria

    def to_dict(self) -> dict[str, Any]:
        c = self.conflict
        return {
            "states": [{"id": k + 1, "pattern": c.pattern(k)} for k in range(c.n_states)],
            "stability": {name: self.concept(name).to_dict() for name in CONCEPTS},
        }


MAX_WORK = 2_000_000_000
"""Refuse up front a conflict whose stability analysis needs more than about 2e9 steps
(states x one DM's moves x the others' responses; about a minute on one core)."""


def analysis_work(conflict: Conflict) -> int:
    """The size of the stability analysis: states x sum over DMs of (own moves x others')."""
    widths = [(1 << len(dm.options)) - 1 for dm in conflict.decision_makers]
    total = sum(widths)
    return conflict.n_states * sum(w * (total - w) for w in widths)


def analyze(conflict: Conflict) -> StabilityResult:
    """Nash, GMR, SMR and SEQ stability for every DM and state of ``conflict``.

    Raises :class:`~zopa.errors.AnalysisError` up front when the analysis would exceed
    :data:`MAX_WORK` (e.g. 18 options held 6 by each of 3 DMs), rather than run for minutes.
    """
    work = analysis_work(conflict)
    if work > MAX_WORK:
        from zopa.errors import AnalysisError

        raise AnalysisError(
            f"{conflict.source or 'the conflict'}: {conflict.n_states:,} states with "
            f"{', '.join(str(len(d.options)) for d in conflict.decision_makers)} options per "
            f"decision maker need about {work:.1e} steps, over the limit of {MAX_WORK:.0e} "
            "(states x a DM's moves x the others' responses; about a minute per 2e9). "
            "Merge or drop options, add constraints that rule out states, or give fewer "
            "options to one decision maker"
        )
    tables = move_tables(conflict)
    n_dm = len(conflict.decision_makers)
    out = {name: np.zeros((n_dm, conflict.n_states), dtype=bool) for name in CONCEPTS}
    for i in range(n_dm):
        for name, row in _stability_of(conflict, tables, i).items():
            out[name][i] = row
    return StabilityResult(conflict, out)


def _stability_of(conflict: Conflict, tables: list[MoveTable], i: int) -> dict[str, BoolArray]:
    pay = conflict.payoffs[i]
    others = [j for j in range(len(tables)) if j != i]
    best_reply = gather(tables[i], _ext(pay[:, None], NEG), None, np.max)[:, 0]
    smr_key = np.maximum(pay, best_reply)
    m_all = coalition_min(tables, others, np.stack([pay, smr_key], axis=1), None)
    m_seq = coalition_min(tables, others, pay[:, None], conflict.payoffs)
    worst, has_improvement = worst_sanction(tables[i], pay, np.hstack([m_all, m_seq]))
    return {
        "nash": ~has_improvement,
        "gmr": worst[:, 0] <= pay,
        "smr": worst[:, 1] <= pay,
        "seq": worst[:, 2] <= pay,
    }


def _ext(values: IntArray, fill: np.int64) -> IntArray:
    """``values`` with one sentinel row appended (the target of illegal moves)."""
    return np.vstack([values, np.full((1, values.shape[1]), fill, dtype=np.int64)])


def gather(
    table: MoveTable,
    values_ext: IntArray,
    mover_pay: IntArray | None,
    reduce: Any,
) -> IntArray:
    """Per state, ``reduce`` (np.min/np.max) of ``values_ext`` over the DM's moves.

    With ``mover_pay`` only moves that improve the mover's payoff count. States with no
    counted move get the sentinel row's value.
    """
    n, width = table.n, values_ext.shape[1]
    out = np.empty((n, width), dtype=np.int64)
    if table.width == 0:
        out[:] = values_ext[-1]
        return out
    sentinel = values_ext[-1]
    pay_ext = None if mover_pay is None else np.append(mover_pay, NEG)
    for lo, hi, dst in table.chunks():
        vals = values_ext[dst]
        if mover_pay is not None and pay_ext is not None:
            ok = pay_ext[dst] > mover_pay[lo:hi, None]
            vals = np.where(ok[:, :, None], vals, sentinel)
        out[lo:hi] = reduce(vals, axis=1)
    return out


def coalition_min(
    tables: list[MoveTable],
    members: list[int],
    keys: IntArray,
    improving: IntArray | None,
) -> IntArray:
    """Least key over ``R_H(s)`` (or ``R_H⁺(s)`` when ``improving`` holds all payoffs).

    Sequences of unilateral moves by ``members`` with no DM moving twice in a row; ``INF``
    where nothing is reachable.
    """
    n = keys.shape[0]
    reach = {j: np.full(keys.shape, INF, dtype=np.int64) for j in members}
    changed = True
    while changed:
        changed = False
        for j in members:
            rest = [reach[lj] for lj in members if lj != j]
            via = np.minimum(keys, np.minimum.reduce(rest)) if rest else keys
            pay = improving[j] if improving is not None else None
            new = gather(tables[j], _ext(via, INF), pay, np.min)
            if bool((new < reach[j]).any()):
                changed = True
                reach[j] = new
    if not members:
        return np.full((n, keys.shape[1]), INF, dtype=np.int64)
    least: IntArray = np.minimum.reduce([reach[j] for j in members])
    return least


def worst_sanction(
    table: MoveTable, pay: IntArray, sanctions: IntArray
) -> tuple[IntArray, BoolArray]:
    """Per state: max of ``sanctions[s1]`` over improvements ``s1`` (NEG if none), and
    whether any improvement exists."""
    n, width = sanctions.shape
    worst = np.full((n, width), NEG, dtype=np.int64)
    has = np.zeros(n, dtype=bool)
    if table.width == 0:
        return worst, has
    pay_ext = np.append(pay, NEG)
    sanctions_ext = _ext(sanctions, NEG)
    for lo, hi, dst in table.chunks():
        ok = pay_ext[dst] > pay[lo:hi, None]
        has[lo:hi] = ok.any(axis=1)
        vals = np.where(ok[:, :, None], sanctions_ext[dst], NEG)
        worst[lo:hi] = vals.max(axis=1)
    return worst, has
