"""Exact Pareto frontier of a finite set of utility vectors.

A point q *dominates* p when q >= p in every coordinate and q != p. The frontier keeps every
point no other point dominates, duplicates included. Two coordinates: one sort and a running
maximum (Kung, Luccio & Preparata 1975). More: points sorted by decreasing sum (a dominator
always has a strictly larger sum), a cheap prefilter against a few strong points, then blocks
checked against the frontier found so far.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

import numpy as np
from numpy.typing import NDArray

__all__ = ["BudgetExceeded", "dominates_any", "frontier_mask", "work_budget"]


class BudgetExceeded(Exception):
    """The n-D dominance checks inside :func:`work_budget` went over its budget."""


_BUDGET: ContextVar[list[float] | None] = ContextVar("zopa_pareto_budget", default=None)


@contextlib.contextmanager
def work_budget(comparisons: float) -> Iterator[None]:
    """Within the block, raise :class:`BudgetExceeded` once :func:`dominates_any` has made
    more than ``comparisons`` coordinate comparisons (candidates x front x coordinates)."""
    token = _BUDGET.set([float(comparisons)])
    try:
        yield
    finally:
        _BUDGET.reset(token)


FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_BLOCK = 512
_SEEDS = 64


def frontier_mask(points: FloatArray) -> BoolArray:
    """Mask of the non-dominated rows of ``points`` (n x d)."""
    pts = np.asarray(points, dtype=np.float64)
    n = pts.shape[0]
    if n == 0:
        return np.zeros(0, dtype=bool)
    d = pts.shape[1]
    if d == 1:
        top: BoolArray = pts[:, 0] == pts[:, 0].max()
        return top
    if d == 2:
        return _frontier_2d(pts)
    return _frontier_nd(pts)


def _frontier_2d(pts: FloatArray) -> BoolArray:
    x, y = pts[:, 0], pts[:, 1]
    order = np.lexsort((-y, -x))  # by x desc, then y desc
    xs, ys = x[order], y[order]
    # first index of each run of equal x
    new_group = np.ones(len(xs), dtype=bool)
    new_group[1:] = xs[1:] != xs[:-1]
    start = np.maximum.accumulate(np.where(new_group, np.arange(len(xs)), 0))
    cummax = np.maximum.accumulate(ys)
    prev_best = np.where(start > 0, cummax[np.maximum(start - 1, 0)], -np.inf)
    group_best = ys[start]  # the first of a run has the run's largest y
    keep = (ys > prev_best) & (ys == group_best)
    mask = np.zeros(len(xs), dtype=bool)
    mask[order] = keep
    return mask


def dominates_any(front: FloatArray, cand: FloatArray) -> BoolArray:
    """For each row of ``cand``: is it dominated by some row of ``front``?

    Works coordinate by coordinate on (candidates x front) boolean planes: reductions along a
    short last axis are slow in NumPy, elementwise ``&=`` / ``|=`` are not.
    """
    out = np.zeros(cand.shape[0], dtype=bool)
    if front.shape[0] == 0 or cand.shape[0] == 0:
        return out
    d = front.shape[1]
    left = _BUDGET.get()
    if left is not None:
        left[0] -= float(cand.shape[0]) * front.shape[0] * d
        if left[0] < 0:
            raise BudgetExceeded
    step = max(1, 2_000_000 // front.shape[0])
    for s in range(0, cand.shape[0], step):
        c = cand[s : s + step]
        ge = front[None, :, 0] >= c[:, None, 0]
        gt = front[None, :, 0] > c[:, None, 0]
        for j in range(1, d):
            fj, cj = front[None, :, j], c[:, None, j]
            ge &= fj >= cj
            gt |= fj > cj
        ge &= gt
        out[s : s + step] = ge.any(axis=1)
    return out


def _frontier_small(pts: FloatArray) -> BoolArray:
    """Frontier of a few points, by comparing all pairs."""
    return ~dominates_any(pts, pts)


def _frontier_nd(pts: FloatArray) -> BoolArray:
    n = pts.shape[0]
    alive = np.ones(n, dtype=bool)
    # prefilter: the best point by sum and by each coordinate are on the frontier or dominated
    # by it; points they dominate are off the frontier.
    # and so are the points with the largest sums (each is dominated only by a larger sum)
    sums = pts.sum(axis=1)
    top = np.argsort(-sums, kind="stable")[:_SEEDS]
    seeds = set(top[_frontier_small(pts[top])].tolist())
    for j in range(pts.shape[1]):
        col = pts[:, j]
        best = np.flatnonzero(col == col.max())
        seeds.add(int(best[np.argmax(sums[best])]))
    seed_pts = pts[sorted(seeds)]
    alive &= ~dominates_any(seed_pts, pts)
    idx = np.flatnonzero(alive)
    sub = pts[idx]
    order = np.argsort(-sub.sum(axis=1), kind="stable")
    sub, idx = sub[order], idx[order]
    front_rows: list[FloatArray] = []
    front = np.empty((0, pts.shape[1]))
    keep_idx: list[NDArray[np.int64]] = []
    for s in range(0, len(sub), _BLOCK):
        block = sub[s : s + _BLOCK]
        bidx = idx[s : s + _BLOCK]
        ok = ~dominates_any(front, block)
        block, bidx = block[ok], bidx[ok]
        if len(block):
            inner = ~dominates_any(block, block)
            block, bidx = block[inner], bidx[inner]
            front_rows.append(block)
            front = np.concatenate([front, block])
            keep_idx.append(bidx)
    mask = np.zeros(n, dtype=bool)
    if keep_idx:
        mask[np.concatenate(keep_idx)] = True
    return mask
