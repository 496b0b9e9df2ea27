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
from typing import Any

import numpy as np
import numpy.typing as npt

from zopa.conflict.model import Conflict
from zopa.conflict.moves import MoveTable, move_tables
from zopa.records import frozen

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


@frozen
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


@frozen(eq=False)
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
"""Refuse up front a conflict whose stability analysis needs more than about 2e9 elementary
steps per round of relaxation (:func:`analysis_work`; about half a minute to a minute on one
core, times the rounds the longest sanctioning sequences need). 2^20 states held 7/7/6 by
three DMs take 3.1e8 on the cube engine."""
ENGINES = ("auto", "cube", "table")
CUBE_STATES = 1 << 21
"""Largest option cube (2^K codes) the cube engine sweeps: 2^20 codes peak at about 400 MB
(a dozen arrays of 2^K x 3 keys x 8 bytes), so 2^21 stays under 1 GB."""


def _cube_cost(conflict: Conflict) -> int:
    """Elementary steps of one pass of the cube engine: per DM analysed, its sanctioners'
    bit sweeps (two key columns) and the fallback gathers of irreversible DMs."""
    k = len(conflict.options)
    dms = conflict.decision_makers
    sweep = [len(dm.options) for dm in dms]
    gather = [
        0
        if all(conflict.options[conflict.option_index(o)].direction == "both" for o in dm.options)
        else conflict.n_states * ((1 << len(dm.options)) - 1)
        for dm in dms
    ]
    per = [(1 << k) * (4 * sweep[j] + 6) + 3 * gather[j] for j in range(len(dms))]
    return len(dms) * sum(per)


def _table_cost(conflict: Conflict) -> int:
    """Elementary steps of one pass of the move-table engine: states x a DM's moves x the
    others' responses, summed over the DMs analysed."""
    widths = [(1 << len(dm.options)) - 1 for dm in conflict.decision_makers]
    total = sum(widths)
    return conflict.n_states * sum(w * (total - w) for w in widths)


def analysis_work(conflict: Conflict) -> tuple[str, int]:
    """The engine :func:`analyze` uses (``cube`` or ``table``) and its work per pass."""
    table = _table_cost(conflict)
    if (1 << len(conflict.options)) <= CUBE_STATES:
        cube = _cube_cost(conflict)
        if cube < table:
            return "cube", cube
    return "table", table


def analyze(conflict: Conflict, *, engine: str = "auto") -> StabilityResult:
    """Nash, GMR, SMR and SEQ stability for every DM and state of ``conflict``.

    Two engines give the same answers: the cube engine (:mod:`zopa.conflict.cube`, sweeps
    over all ``2^K`` option codes, chosen when that is cheaper) and the move-table engine
    (:mod:`zopa.conflict.moves`, one row of targets per feasible state). Raises
    :class:`~zopa.errors.AnalysisError` up front when the work per relaxation pass would
    exceed :data:`MAX_WORK`, rather than run for many minutes. ``engine`` (``auto``,
    ``cube`` or ``table``) forces one engine; the tests compare both with the definitions.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    chosen, work = analysis_work(conflict)
    if engine == "table":
        chosen, work = "table", _table_cost(conflict)
    elif engine == "cube":
        chosen, work = "cube", _cube_cost(conflict)
    if work > MAX_WORK:
        from zopa.errors import AnalysisError

        raise AnalysisError(
            f"{conflict.source or 'the conflict'}: {conflict.n_states:,} states with "
            f"{', '.join(str(len(d.options)) for d in conflict.decision_makers)} options per "
            f"decision maker need about {work:.1e} steps per round, over the limit of "
            f"{MAX_WORK:.0e} (about a minute per round; it would not finish in reasonable "
            "time). Merge or drop options, add constraints that rule out states, or give "
            "fewer options to one decision maker"
        )
    space: _Space = _CubeSpace(conflict) if chosen == "cube" else _TableSpace(conflict)
    n_dm = len(conflict.decision_makers)
    out = {name: np.zeros((n_dm, conflict.n_states), dtype=bool) for name in CONCEPTS}
    for i in range(n_dm):
        for name, row in _stability_of(space, i).items():
            out[name][i] = row
    return StabilityResult(conflict, out)


class _Space:
    """Where value arrays live and how a DM's moves reduce them. Arrays have shape (keys,
    points) and hold ``INF`` (``NEG`` for maxima) at points that are no state."""

    conflict: Conflict
    pay: list[IntArray]  # per DM, payoff by point, NEG at non-states
    real: BoolArray  # the points that are states

    def min_moves(self, j: int, values: IntArray) -> IntArray:
        raise NotImplementedError

    def min_improving(self, j: int, values: IntArray) -> IntArray:
        raise NotImplementedError

    def states(self, values: BoolArray) -> BoolArray:
        """The rows of the feasible states, in state order."""
        raise NotImplementedError

    def max_moves(self, j: int, values: IntArray) -> IntArray:
        out: IntArray = -self.min_moves(j, -values)
        return out

    def max_improving(self, j: int, values: IntArray) -> IntArray:
        out: IntArray = -self.min_improving(j, -values)
        return out


class _TableSpace(_Space):
    """Points are the feasible states; moves are read from :class:`MoveTable` rows."""

    def __init__(self, conflict: Conflict) -> None:
        self.conflict = conflict
        self.tables = move_tables(conflict)
        self.pay = [conflict.payoffs[i] for i in range(len(conflict.decision_makers))]
        self.real = np.ones(conflict.n_states, dtype=bool)

    def min_moves(self, j: int, values: IntArray) -> IntArray:
        return gather(self.tables[j], _ext(values.T, INF), None, np.min).T

    def min_improving(self, j: int, values: IntArray) -> IntArray:
        return gather(self.tables[j], _ext(values.T, INF), self.pay[j], np.min).T

    def states(self, values: BoolArray) -> BoolArray:
        return values


class _CubeSpace(_Space):
    """Points are all ``2^K`` option codes (:mod:`zopa.conflict.cube`)."""

    def __init__(self, conflict: Conflict) -> None:
        from zopa.conflict.cube import cube_moves

        self.conflict = conflict
        self.cubes = cube_moves(conflict)
        self.real = self.cubes[0].feasible if self.cubes else np.zeros(1, dtype=bool)
        self.pay = []
        for i in range(len(conflict.decision_makers)):
            pay = np.full(self.real.shape[0], NEG, dtype=np.int64)
            pay[conflict.codes] = conflict.payoffs[i]
            self.pay.append(pay)
        self._tables: dict[int, MoveTable] = {}
        self._prepared: set[int] = set()

    def min_moves(self, j: int, values: IntArray) -> IntArray:
        out = self.cubes[j].min_over_moves(values)
        out[:, ~self.real] = INF
        return out

    def min_improving(self, j: int, values: IntArray) -> IntArray:
        cube = self.cubes[j]
        if cube.reversible:
            if j not in self._prepared:
                cube.prepare_improving(self.pay[j])
                self._prepared.add(j)
            out = cube.min_over_improving(values)
        else:  # irreversible options: the move table of this DM alone
            codes = self.conflict.codes
            table = self._table(j)
            compact = gather(table, _ext(values[:, codes].T, INF), self.pay[j][codes], np.min)
            out = np.full_like(values, INF)
            out[:, codes] = compact.T
        out[:, ~self.real] = INF
        return out

    def _table(self, j: int) -> MoveTable:
        if j not in self._tables:
            from zopa.conflict.moves import CACHE_ENTRIES, _Lookup

            c = self.conflict
            width = (1 << len(c.decision_makers[j].options)) - 1
            lookup = _Lookup(c.codes, len(c.options))
            self._tables[j] = MoveTable(c, j, lookup, c.n_states * width <= CACHE_ENTRIES)
        return self._tables[j]

    def states(self, values: BoolArray) -> BoolArray:
        out: BoolArray = values[self.conflict.codes]
        return out


def _stability_of(space: _Space, i: int) -> dict[str, BoolArray]:
    pay = space.pay[i]
    others = [j for j in range(len(space.pay)) if j != i]
    best_reply = space.max_moves(i, pay[None, :])[0]
    smr_key = np.maximum(pay, best_reply)
    keys = np.where(space.real, np.stack([pay, smr_key]), INF)
    m_all = coalition_min(space, others, keys, improving=False)
    own = np.where(space.real, pay, INF)[None, :]
    m_seq = coalition_min(space, others, own, improving=True)
    sanctions = np.where(space.real, np.vstack([m_all, m_seq]), NEG)
    worst = space.max_improving(i, sanctions)
    return {
        "nash": space.states(best_reply <= pay),
        "gmr": space.states(worst[0] <= pay),
        "smr": space.states(worst[1] <= pay),
        "seq": space.states(worst[2] <= pay),
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


def coalition_min(space: _Space, members: list[int], keys: IntArray, improving: bool) -> IntArray:
    """Least key over ``R_H(s)`` (``R_H⁺(s)`` when ``improving``) for every point.

    Sequences of unilateral moves by ``members`` with no DM moving twice in a row; ``INF``
    where nothing is reachable. ``keys`` holds ``INF`` at points that are no state.
    """
    if not members:
        return np.full(keys.shape, INF, dtype=np.int64)
    reach = {j: np.full(keys.shape, INF, dtype=np.int64) for j in members}
    step = space.min_improving if improving else space.min_moves
    changed = True
    while changed:
        changed = False
        for j in members:
            via = keys
            for lj in members:
                if lj != j:
                    via = np.minimum(via, reach[lj])
            new = step(j, via)
            if not np.array_equal(new, reach[j]):
                changed = True
                reach[j] = new
    least: IntArray = np.minimum.reduce([reach[j] for j in members])
    return least
