"""Unilateral moves in option form, as XOR masks over option bits (vectorised).

DM ``i`` controlling options ``M_i`` moves from state ``s`` to ``s ^ d`` for a non-empty
``d ⊆ M_i`` when the result is feasible and every flipped option may move that way
(Fang, Hipel & Kilgour 1993; the option form of Howard's metagame analysis). A
:class:`MoveTable` holds, per state, the target index of each of the ``2^|M_i| - 1`` masks,
or the sentinel ``n`` (an extra slot) when the move is illegal. Tables are built in row
chunks and cached while they fit in :data:`CACHE_ENTRIES`.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from zopa.conflict.model import Conflict

__all__ = ["CACHE_ENTRIES", "MoveTable", "move_tables"]

IntArray = npt.NDArray[np.int64]
CACHE_ENTRIES = 1 << 27
"""Largest number of cached table entries (int32) over all DMs, about 512 MB."""
CHUNK_ENTRIES = 1 << 22
_DENSE_LOOKUP_BITS = 24


class _Lookup:
    """Code → state index (``n`` when infeasible)."""

    def __init__(self, codes: IntArray, n_options: int) -> None:
        self.n = int(codes.shape[0])
        self.codes = codes
        self.dense: npt.NDArray[np.int32] | None = None
        if n_options <= _DENSE_LOOKUP_BITS:
            table = np.full(1 << n_options, self.n, dtype=np.int32)
            table[codes] = np.arange(self.n, dtype=np.int32)
            self.dense = table

    def __call__(self, targets: IntArray) -> npt.NDArray[np.int32]:
        if self.dense is not None:
            return self.dense[targets]
        pos = np.searchsorted(self.codes, targets)
        pos = np.minimum(pos, self.n - 1)
        hit = self.codes[pos] == targets
        return np.where(hit, pos, self.n).astype(np.int32)


class MoveTable:
    """All unilateral moves of one DM: ``rows(lo, hi)`` gives targets shape (hi-lo, masks)."""

    def __init__(self, conflict: Conflict, dm: int, lookup: _Lookup, cache: bool) -> None:
        self.n = conflict.n_states
        self.codes = conflict.codes
        self.lookup = lookup
        bits = [j for j in range(len(conflict.options)) if conflict.dm_mask(dm) >> j & 1]
        subsets = np.arange(1, 1 << len(bits), dtype=np.int64)
        masks = np.zeros_like(subsets)
        for k, bit in enumerate(bits):
            masks |= ((subsets >> k) & 1) << bit
        self.masks = masks
        self.forward, self.backward = conflict.direction_masks()
        self.chunk = max(1, CHUNK_ENTRIES // max(1, masks.shape[0]))
        self._cached: npt.NDArray[np.int32] | None = None
        if cache:
            self._cached = self._build(0, self.n)

    @property
    def width(self) -> int:
        return int(self.masks.shape[0])

    def _build(self, lo: int, hi: int) -> npt.NDArray[np.int32]:
        return self._targets(self.codes[lo:hi, None])

    def rows_at(self, index: IntArray) -> npt.NDArray[np.int32]:
        """Targets of the states at 0-based ``index`` (shape (len(index), width))."""
        if self._cached is not None:
            return self._cached[index]
        return self._targets(self.codes[index][:, None])

    def _targets(self, src: IntArray) -> npt.NDArray[np.int32]:
        d = self.masks[None, :]
        legal = ((src & d & self.forward) == 0) & ((~src & d & self.backward) == 0)
        dst = self.lookup(src ^ d)
        return np.where(legal, dst, np.int32(self.n)).astype(np.int32)

    def rows(self, lo: int, hi: int) -> npt.NDArray[np.int32]:
        if self._cached is not None:
            return self._cached[lo:hi]
        return self._build(lo, hi)

    def chunks(self) -> Iterator[tuple[int, int, npt.NDArray[np.int32]]]:
        """(lo, hi, targets) over all states, in row chunks."""
        for lo in range(0, self.n, self.chunk):
            hi = min(self.n, lo + self.chunk)
            yield lo, hi, self.rows(lo, hi)


def move_tables(conflict: Conflict) -> list[MoveTable]:
    """One :class:`MoveTable` per DM, cached when all fit in :data:`CACHE_ENTRIES`."""
    lookup = _Lookup(conflict.codes, len(conflict.options))
    widths = [(1 << len(dm.options)) - 1 for dm in conflict.decision_makers]
    cache = conflict.n_states * sum(widths) <= CACHE_ENTRIES
    return [MoveTable(conflict, i, lookup, cache) for i in range(len(widths))]
