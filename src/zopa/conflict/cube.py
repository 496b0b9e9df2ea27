"""Unilateral moves as operators on the whole option cube: O(2^K) per DM, no move lists.

In option form DM ``j`` moves from code ``x`` to every feasible ``y != x`` that differs from
``x`` only in ``j``'s options ``M_j``, where a ``forward`` option may only go N→Y and a
``backward`` one only Y→N (Fang, Hipel & Kilgour 1993). So ``R_j(x)`` is a sub-cube of the
``2^K`` codes (minus ``x`` and the infeasible codes), and "the least value over ``R_j(x)``"
is a sum-over-subsets sweep, one option bit at a time (the min-plus form of the zeta
transform), for all ``x`` at once: ``|M_j|`` vectorised passes over the cube instead of
``2^|M_j| - 1`` gathers per state. Two arrays go through the sweep: ``G`` (least value over
the moves so far, ``x`` included) and ``S`` (``x`` excluded: the last differing bit is the
one being swept), so no argmin is tracked.

Moves that must improve their mover (``R_j⁺``, sequential stability) filter targets by the
mover's payoff, which a sub-cube sweep cannot do. When ``j``'s options are all reversible
every ``x`` in a fibre (the codes that agree outside ``M_j``) sees the same targets, so the
fibre is sorted once by ``j``'s payoff (best first) and the answer is an exclusive running
minimum read at the start of ``x``'s tie block: one gather, one ``minimum.accumulate`` and one
gather per pass. A DM with an irreversible option falls back to its move table
(:mod:`zopa.conflict.moves`) for improving moves only.

Every array here is indexed by code (``0 .. 2^K - 1``), with ``INF`` (``NEG`` for maxima) at
infeasible codes, so a value is never read from a state that does not exist.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from zopa.conflict.model import Conflict

__all__ = ["INF", "NEG", "CubeMoves", "cube_moves"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
INF = np.int64(1 << 60)
NEG = np.int64(-(1 << 60))


class CubeMoves:
    """DM ``dm``'s unilateral moves on the cube of ``2^K`` codes (see the module docstring)."""

    def __init__(self, conflict: Conflict, dm: int, feasible: BoolArray) -> None:
        self.k = len(conflict.options)
        self.size = 1 << self.k
        self.feasible = feasible
        mask = conflict.dm_mask(dm)
        self.bits = [b for b in range(self.k) if mask >> b & 1]
        self.directions = [conflict.options[b].direction for b in self.bits]
        self.reversible = all(d == "both" for d in self.directions)
        self.contiguous = bool(self.bits) and self.bits == list(
            range(self.bits[0], self.bits[0] + len(self.bits))
        )
        self._order: IntArray | None = None
        self._start: IntArray | None = None

    @property
    def n_bits(self) -> int:
        return len(self.bits)

    def min_over_moves(self, values: IntArray) -> IntArray:
        """Per code ``x``: the least ``values[:, y]`` over ``y ∈ R_j(x)``; ``INF`` if none.

        ``values`` has shape (c, 2^K) (one row per key) and holds ``INF`` at infeasible
        codes."""
        if self.reversible and self.contiguous:
            return self._block_min(values)
        return self._sweep_min(values)

    def _block_min(self, values: IntArray) -> IntArray:
        """Reversible options on contiguous bits: ``R_j(x)`` is ``x``'s whole block of
        ``2^m`` codes but ``x``; the least of the others is the block's least unless ``x``
        alone holds it, then the second least."""
        c = values.shape[0]
        lo = 1 << self.bits[0]
        v = values.reshape(c, -1, 1 << self.n_bits, lo)
        least = v.min(axis=2, keepdims=True)
        at_least = v == least
        second = np.where(at_least, INF, v).min(axis=2, keepdims=True)
        shared = at_least.sum(axis=2, keepdims=True) > 1
        out = np.where(at_least & ~shared, second, least)
        result: IntArray = out.reshape(c, -1)
        return result

    def _sweep_min(self, values: IntArray) -> IntArray:
        c = values.shape[0]
        g = values.copy()
        s = np.full_like(values, INF)
        for bit, direction in zip(self.bits, self.directions, strict=True):
            lo = 1 << bit
            gv = g.reshape(c, -1, 2, lo)
            sv = s.reshape(c, -1, 2, lo)
            g0, g1, s0, s1 = gv[:, :, 0], gv[:, :, 1], sv[:, :, 0], sv[:, :, 1]
            if direction != "backward":  # from a 0 bit the move may set it
                np.minimum(s0, g1, out=s0)
            if direction != "forward":  # from a 1 bit the move may clear it
                np.minimum(s1, g0, out=s1)
            if direction == "both":
                np.minimum(g0, g1, out=g0)
                g1[...] = g0
            elif direction == "forward":
                np.minimum(g0, g1, out=g0)
            else:
                np.minimum(g1, g0, out=g1)
        return s

    def max_over_moves(self, values: IntArray) -> IntArray:
        """Per code: the largest ``values[:, y]`` over ``R_j(x)`` (``NEG`` at infeasible
        codes in, ``NEG`` where there is no move)."""
        out: IntArray = -self.min_over_moves(-values)
        return out

    def prepare_improving(self, pay: IntArray) -> None:
        """Sort each fibre by ``pay`` (the mover's payoff by code; best first) once."""
        if not self.reversible:
            raise ValueError("improving moves on the cube need reversible options")
        width = 1 << self.n_bits
        inside = np.zeros(width, dtype=np.int64)
        for k, bit in enumerate(self.bits):
            inside |= ((np.arange(width, dtype=np.int64) >> k) & 1) << bit
        rest = [b for b in range(self.k) if b not in self.bits]
        n_rest = 1 << len(rest)
        outside = np.zeros(n_rest, dtype=np.int64)
        for k, bit in enumerate(rest):
            outside |= ((np.arange(n_rest, dtype=np.int64) >> k) & 1) << bit
        fibres = outside[:, None] | inside[None, :]  # (fibres, width): codes of each fibre
        ranked = np.where(self.feasible, pay, NEG)[fibres]
        within = np.argsort(-ranked, axis=1, kind="stable")
        order = np.take_along_axis(fibres, within, axis=1)
        sorted_pay = np.take_along_axis(ranked, within, axis=1)
        pos = np.arange(width, dtype=np.int64)
        new_block = np.ones(sorted_pay.shape, dtype=bool)
        new_block[:, 1:] = sorted_pay[:, 1:] != sorted_pay[:, :-1]
        block_start = np.maximum.accumulate(np.where(new_block, pos, 0), axis=1)
        row_base = np.arange(n_rest, dtype=np.int64)[:, None] * (width + 1)
        start = np.empty(self.size, dtype=np.int64)
        start[order.reshape(-1)] = (row_base + block_start).reshape(-1)
        self._order, self._start = order.reshape(-1), start

    def min_over_improving(self, values: IntArray) -> IntArray:
        """Per code ``x``: the least ``values[:, y]`` over ``y ∈ R_j(x)`` with ``pay[y] >
        pay[x]`` (the fibre order of :meth:`prepare_improving`); ``INF`` if none."""
        if self._order is None or self._start is None:
            raise ValueError("call prepare_improving first")
        c = values.shape[0]
        width = 1 << self.n_bits
        ordered = values[:, self._order].reshape(c, -1, width)
        run = np.empty((c, ordered.shape[1], width + 1), dtype=np.int64)
        run[:, :, 0] = INF
        np.minimum.accumulate(ordered, axis=2, out=run[:, :, 1:])
        out: IntArray = run.reshape(c, -1)[:, self._start]
        return out

    def max_over_improving(self, values: IntArray) -> IntArray:
        out: IntArray = -self.min_over_improving(-values)
        return out


def cube_moves(conflict: Conflict) -> list[CubeMoves]:
    """One :class:`CubeMoves` per DM over the conflict's full option cube."""
    feasible = np.zeros(1 << len(conflict.options), dtype=bool)
    feasible[conflict.codes] = True
    return [CubeMoves(conflict, i, feasible) for i in range(len(conflict.decision_makers))]
