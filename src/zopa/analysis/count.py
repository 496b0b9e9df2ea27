"""The size of the agreement zone in spaces too big to enumerate.

- **Meet in the middle** (exact, one or two gating parties): the independent (compound) issues
  of :func:`zopa.analysis.frontier.components` are split into two halves A and B whose
  half-packages are listed (each at most :data:`HALF_LIMIT`). A pair (a, b) is in the zone
  when u_p(a) + u_p(b) >= r_p for each gating p, so the zone size is a dominance count: for each
  a, the number of b with x_b >= X_a and y_b >= Y_a, where x, y are the two parties' half
  utilities and X_a = r_1 - u_1(a), Y_a = r_2 - u_2(a). It is counted offline with a
  merge-sort tree (Bentley 1980, "Multidimensional divide-and-conquer"; Bentley & Shamos):
  B sorted by x descending, each prefix of B is a union of at most log2|B| aligned blocks, and
  each block keeps its y values sorted, so one vectorised binary search per level answers every
  query. O((|A| + |B|) log^2 |B|) with NumPy doing the loops.
- **Streaming** (exact): three or more gating parties and at most :data:`STREAM_LIMIT`
  packages: the enumeration engine's chunks, counting only.
- **Product** (exact): when every party's worst allowed package still meets its reservation,
  the zone is every allowed package, a product of the component sizes.
- **Sampling** (estimate, ``exact: false``): otherwise, uniform sampling with a 95% Wilson
  interval. Never silently approximate: the result says which.

Utilities are compared as every engine compares them: rounded to 10 decimals, so a pair is
counted when u(a) + u(b) >= r - 0.5e-10.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from zopa.analysis.enumerate import chunks
from zopa.analysis.frontier import Component, components
from zopa.errors import AnalysisError
from zopa.model.compiled import PRECISION, SLACK, CompiledScenario
from zopa.records import frozen

__all__ = [
    "HALF_LIMIT",
    "STREAM_LIMIT",
    "ZoneCount",
    "count_zone",
    "dominance_count",
    "sample_zone",
    "wilson",
]

HALF_LIMIT = 4_000_000
STREAM_LIMIT = 20_000_000
_HALF_ULP = 0.5 * 10.0**-PRECISION

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@frozen
class ZoneCount:
    """The zone size, whether it is exact, the 95% interval of an estimate, and how."""

    size: int
    exact: bool
    interval: tuple[int, int] | None
    method: str  # meet-in-the-middle | stream | sampling


def wilson(k: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion k/n (Wilson 1927).

    ``k`` and ``n`` may be fractional: an effective sample size and its share (weighted
    samples).
    """
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


def dominance_count(points: FloatArray, queries: FloatArray) -> int:
    """Number of (query, point) pairs with point >= query in both coordinates (n x 2 arrays)."""
    if len(points) == 0 or len(queries) == 0:
        return 0
    order = np.argsort(-points[:, 0], kind="stable")
    xs, ys = points[order, 0], points[order, 1]
    n = len(xs)
    # j: how many points have x >= X (a prefix of the x-descending order)
    j = n - np.searchsorted(xs[::-1], queries[:, 0], side="left")
    uy = np.unique(ys)
    yr = np.searchsorted(uy, ys).astype(np.int64)  # rank of each point's y
    qr = np.searchsorted(uy, queries[:, 1], side="left").astype(np.int64)  # y >= Y <=> rank >= qr
    width = len(uy) + 1
    total = 0
    pos = np.arange(n, dtype=np.int64)
    level = 0
    while (1 << level) <= n:
        size = 1 << level
        sel = (j & size) != 0
        if sel.any():
            node = pos >> level
            keys = np.sort(node * width + yr)
            start = (j[sel] >> (level + 1)) << (level + 1)  # the block [start, start + size)
            blk = start >> level
            end = np.minimum(start + size, n)
            lo = np.searchsorted(keys, blk * width + qr[sel], side="left")
            total += int((end - lo).sum())
        level += 1
    return total


def _half(comps: list[Component], gate: IntArray) -> FloatArray:
    u = np.zeros((1, len(gate)))
    for c in comps:
        v = c.values[:, gate]
        u = (u[:, None, :] + v[None, :, :]).reshape(-1, len(gate))
    return u


def _split(comps: list[Component]) -> tuple[list[Component], list[Component]] | None:
    """Two groups of components with balanced products, each within :data:`HALF_LIMIT`."""
    order = sorted(comps, key=lambda c: -len(c.combos))
    a: list[Component] = []
    b: list[Component] = []
    pa = pb = 1
    for c in order:
        m = max(1, len(c.combos))
        if pa <= pb:
            a.append(c)
            pa *= m
        else:
            b.append(c)
            pb *= m
    if pa > HALF_LIMIT or pb > HALF_LIMIT:
        return None
    return a, b


def count_zone(cs: CompiledScenario, *, samples: int = 200_000, seed: int = 0) -> ZoneCount:
    """The zone size of ``cs``: exact where affordable, else a marked estimate."""
    gate = cs.gating_index
    comps: list[Component] = []
    if cs.additive:
        try:
            comps = components(cs)
        except AnalysisError:
            comps = []
    if comps and all(len(c.combos) for c in comps):
        worst = sum(c.values[:, gate].min(axis=0) for c in comps)
        if np.all(worst >= cs.reservation[gate] + SLACK):  # every allowed package is in the zone
            return ZoneCount(math.prod(len(c.combos) for c in comps), True, None, "product")
    if comps and len(gate) <= 2:
        halves = _split(comps)
        if halves is not None:
            if any(len(c.combos) == 0 for c in comps):
                return ZoneCount(0, True, None, "meet-in-the-middle")
            return ZoneCount(_mitm(cs, *halves), True, None, "meet-in-the-middle")
    if cs.outcomes <= STREAM_LIMIT:
        return ZoneCount(_stream(cs), True, None, "stream")
    return sample_zone(cs, samples, seed)


def _mitm(cs: CompiledScenario, a: list[Component], b: list[Component]) -> int:
    gate = cs.gating_index
    ua, ub = _half(a, gate), _half(b, gate)
    need = cs.reservation[gate] - _HALF_ULP
    if len(gate) == 1:
        xs = np.sort(ub[:, 0])
        return int((len(xs) - np.searchsorted(xs, need[0] - ua[:, 0], side="left")).sum())
    if len(gate) == 0:  # pragma: no cover - scenarios always have a gating party
        return len(ua) * len(ub)
    return dominance_count(ub, need[None, :] - ua)


def _stream(cs: CompiledScenario) -> int:
    gate = cs.gating_index
    n = 0
    for c in chunks(cs):
        ok = c.feasible & c.red_line_ok.all(axis=1)
        ok &= (c.u[:, gate] >= cs.reservation[gate]).all(axis=1)
        n += int(ok.sum())
    return n


def sample_zone(cs: CompiledScenario, samples: int = 200_000, seed: int = 0) -> ZoneCount:
    """An estimate of the zone size by uniform sampling (95% Wilson interval)."""
    rng = np.random.default_rng(seed)
    idx = np.stack([rng.integers(0, n, samples) for n in cs.sizes], axis=1).astype(np.int64)
    gate = cs.gating_index
    u = cs.utilities(idx)[:, gate]
    ok = cs.feasible(idx) & cs.red_line_ok(idx)[:, gate].all(axis=1)
    ok &= (u >= cs.reservation[gate]).all(axis=1)
    k = int(ok.sum())
    lo, hi = wilson(k, samples)
    n = cs.outcomes
    return ZoneCount(
        round(n * k / samples), False, (math.floor(n * lo), math.ceil(n * hi)), "sampling"
    )
