"""The enumeration engine: stream the whole outcome space in chunks.

Packages are numbered in mixed radix (last issue fastest). A chunk is ``runs x block``: the
last issues form an inner *block* whose option indices and utilities are computed once; each
run fixes the outer issues. So a chunk's utilities are one broadcast add
``U_outer[:, None] + U_inner[None, :]`` and memory is bounded by the chunk size whatever the
size of the space. In one pass the scan counts feasible and zone packages, keeps the exact
Pareto frontier of the zone, and tracks the packages that need the smallest concessions in
case the zone is empty.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from zopa.analysis.pareto import frontier_mask
from zopa.model.compiled import PRECISION, CompiledScenario, quantise
from zopa.model.expr import Formula, evaluate, issues_of

__all__ = ["CHUNK", "Chunk", "ConcessionScan", "Scan", "chunks", "scan"]

CHUNK = 1 << 20
Progress = Callable[[int, int], None]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass
class _Best:
    """Running lexicographic minimum of keys (first key decides, then the next...)."""

    keys: tuple[float, ...] | None = None
    index: int = -1

    def offer(self, keys: list[FloatArray], linear: IntArray) -> None:
        if len(linear) == 0:
            return
        rows = np.arange(len(linear))
        for k in keys:
            kr = np.round(k[rows], PRECISION)
            rows = rows[kr == kr.min()]
        r = int(rows[0])  # chunks ascend, so the first is the smallest package number
        cand = tuple(float(np.round(k[r], PRECISION)) for k in keys)
        if self.keys is None or cand < self.keys:
            self.keys, self.index = cand, int(linear[r])


@dataclass
class ConcessionScan:
    """Packages needing the least concession, among feasible packages (gating parties)."""

    min_max: _Best = field(default_factory=_Best)  # red lines kept; min max shortfall, then sum
    min_sum: _Best = field(default_factory=_Best)  # red lines kept; min sum shortfall, then max
    red_lines: _Best = field(default_factory=_Best)  # reservations kept; fewest red lines broken


@dataclass
class Scan:
    outcomes: int
    feasible: int
    zone: int
    frontier_u: FloatArray  # utilities of every party with preferences
    frontier_index: IntArray  # package numbers
    concessions: ConcessionScan


def _block_split(sizes: tuple[int, ...], target: int) -> int:
    """Number of leading (outer) issues so the inner block has at most ``target`` packages."""
    block = 1
    k = len(sizes)
    while k > 0 and block * sizes[k - 1] <= target:
        block *= sizes[k - 1]
        k -= 1
    return k


@dataclass
class Chunk:
    """One chunk of the stream: package numbers, utilities and masks (gating parties)."""

    linear: IntArray
    u: FloatArray  # every party with preferences
    feasible: BoolArray
    red_line_ok: BoolArray  # (m x gating): breaks none of that party's red lines
    broken: IntArray  # number of gating red lines broken
    outer: IntArray  # option indices of the outer issues, one row per run
    inner: IntArray  # option indices of the inner issues, one row per block position
    rules: tuple[BoolArray, ...] = ()  # each gating red line (party by party, file order)

    def hamming(self, package: tuple[int, ...]) -> IntArray:
        """Number of issues on which each package differs from ``package``."""
        split = self.outer.shape[1]
        ho = (self.outer != np.asarray(package[:split], dtype=np.int64)).sum(axis=1)
        hi = (self.inner != np.asarray(package[split:], dtype=np.int64)).sum(axis=1)
        out: IntArray = (ho[:, None] + hi[None, :]).reshape(-1)
        return out


def chunks(
    cs: CompiledScenario, *, chunk: int = CHUNK, progress: Progress | None = None
) -> Iterator[Chunk]:
    """Stream every package of ``cs`` in chunks of about ``chunk`` packages."""
    sizes = cs.sizes
    split = _block_split(sizes, min(chunk, 1 << 17))
    inner_sizes, outer_sizes = sizes[split:], sizes[:split]
    block = math.prod(inner_sizes)
    n_outer = math.prod(outer_sizes)
    inner_idx = _grid(inner_sizes)
    inner_u = _partial_utilities(cs, inner_idx, split)
    runs = max(1, chunk // block)
    gate = cs.gating_index
    formulas = _formulas(cs, gate)
    rect_formulas = [f for terms in cs.rects for f, _ in terms]
    needed = sorted(
        set().union(*(issues_of(f) for f, _, _ in formulas), *map(issues_of, rect_formulas))
    )
    for j0 in range(0, n_outer, runs):
        j1 = min(n_outer, j0 + runs)
        outer_idx = _outer(outer_sizes, j0, j1)
        outer_u = _partial_utilities(cs, outer_idx, 0, split)
        u = (outer_u[:, None, :] + inner_u[None, :, :]).reshape(-1, cs.n_parties)
        linear = np.arange(j0 * block, j1 * block, dtype=np.int64)
        idx = _columns(needed, split, outer_idx, inner_idx, len(sizes))
        extra = cs.rect_utilities(idx)  # hyper-rectangle terms (None when additive)
        if extra is not None:
            u += extra
        quantise(cs.cap(u))
        feas, rl_rules = _masks(cs, formulas, idx, len(linear))
        rl_ok = np.ones((len(linear), len(gate)), dtype=bool)
        broken = np.zeros(len(linear), dtype=np.int64)
        for g, ok in rl_rules:
            rl_ok[:, g] &= ok
            broken += ~ok
        rules = tuple(ok for _, ok in rl_rules)
        yield Chunk(linear, u, feas, rl_ok, broken, outer_idx, inner_idx, rules)
        if progress is not None:
            progress(j1 * block, cs.outcomes)


def scan(cs: CompiledScenario, *, chunk: int = CHUNK, progress: Progress | None = None) -> Scan:
    """One exact pass over every package of ``cs``."""
    gate = cs.gating_index
    conc = ConcessionScan()
    front_u = np.empty((0, cs.n_parties))
    front_i = np.empty(0, dtype=np.int64)
    feasible_n = zone_n = 0
    for c in chunks(cs, chunk=chunk, progress=progress):
        ug = c.u[:, gate]
        res_ok: BoolArray = ug >= cs.reservation[gate]
        zone = c.feasible & (c.red_line_ok & res_ok).all(axis=1)
        feasible_n += int(c.feasible.sum())
        zone_n += int(zone.sum())
        if zone.any():
            front_u, front_i = _merge_front(front_u, front_i, c.u[zone], c.linear[zone], gate)
        _concessions(
            conc,
            cs,
            ug,
            c.feasible,
            np.all(c.red_line_ok, axis=1),
            np.all(res_ok, axis=1),
            c.broken,
            c.linear,
        )
    order = np.argsort(front_i, kind="stable")
    return Scan(cs.outcomes, feasible_n, zone_n, front_u[order], front_i[order], conc)


def _grid(sizes: tuple[int, ...]) -> IntArray:
    n = math.prod(sizes)
    if not sizes:
        return np.zeros((1, 0), dtype=np.int64)
    grid: IntArray = np.stack(np.unravel_index(np.arange(n, dtype=np.int64), sizes), axis=1)
    return grid.astype(np.int64)


def _outer(sizes: tuple[int, ...], j0: int, j1: int) -> IntArray:
    if not sizes:
        return np.zeros((j1 - j0, 0), dtype=np.int64)
    cols = np.unravel_index(np.arange(j0, j1, dtype=np.int64), sizes)
    return np.stack(cols, axis=1).astype(np.int64)


def _partial_utilities(
    cs: CompiledScenario, idx: IntArray, first: int, last: int | None = None
) -> FloatArray:
    last = cs.n_issues if last is None else last
    u = np.zeros((idx.shape[0], cs.n_parties), dtype=np.float64)
    for i in range(first, last):
        u += cs.tables[i][idx[:, i - first]]
    return u


def _columns(needed: list[int], split: int, outer: IntArray, inner: IntArray, n: int) -> IntArray:
    """Option indices of the chunk, filled only for the issues the formulas use."""
    m = outer.shape[0] * inner.shape[0]
    idx = np.zeros((m, n), dtype=np.int64) if needed else np.zeros((m, 0), dtype=np.int64)
    for i in needed:
        if i < split:
            idx[:, i] = np.repeat(outer[:, i], inner.shape[0])
        else:
            idx[:, i] = np.tile(inner[:, i - split], outer.shape[0])
    return idx


Tagged = tuple[Formula, str, int]  # formula, "constraint" | "red_line", gating column


def _formulas(cs: CompiledScenario, gate: IntArray) -> list[Tagged]:
    out: list[Tagged] = [(f, "constraint", -1) for f in cs.constraints]
    for g, p in enumerate(gate):
        out.extend((f, "red_line", g) for f in cs.red_lines[int(p)])
    return out


def _masks(
    cs: CompiledScenario, formulas: list[Tagged], idx: IntArray, m: int
) -> tuple[BoolArray, list[tuple[int, BoolArray]]]:
    feas = np.ones(m, dtype=bool)
    rules: list[tuple[int, BoolArray]] = []
    for f, kind, g in formulas:
        ok = evaluate(f, idx, cs.sizes)
        if kind == "constraint":
            feas &= ok
        else:
            rules.append((g, ok))
    return feas, rules


def _merge_front(
    fu: FloatArray, fi: IntArray, cu: FloatArray, ci: IntArray, gate: IntArray
) -> tuple[FloatArray, IntArray]:
    keep = frontier_mask(cu[:, gate])
    u = np.concatenate([fu, cu[keep]])
    i = np.concatenate([fi, ci[keep]])
    keep = frontier_mask(u[:, gate])
    return u[keep], i[keep]


def _concessions(
    conc: ConcessionScan,
    cs: CompiledScenario,
    ug: FloatArray,
    feas: BoolArray,
    rl_all: BoolArray,
    res_all: BoolArray,
    broken: IntArray,
    linear: IntArray,
) -> None:
    r = cs.reservation[cs.gating_index]
    short = r[None, :] - ug
    sel = feas & rl_all
    if sel.any():
        s = np.maximum(short[sel], 0.0)
        worst = short[sel].max(axis=1)
        conc.min_max.offer([worst, s.sum(axis=1)], linear[sel])
        conc.min_sum.offer([s.sum(axis=1), s.max(axis=1)], linear[sel])
    sel = feas & res_all
    if sel.any():
        conc.red_lines.offer([broken[sel].astype(np.float64)], linear[sel])
