"""Scenario discovery: PRIM boxes over the parameters (Friedman & Fisher 1999).

The Patient Rule Induction Method looks for a box (a range per parameter) where an answer
(here: an agreement zone exists) is much more frequent than overall. Starting from the box
that holds every kept sample, each step peels off the ``alpha`` share of the samples at the
low or the high end of one parameter, whichever peel leaves the highest *density* (the share
of the samples inside the box with a zone), until the box holds fewer than ``min_support`` of
the samples (Friedman & Fisher 1999, section 2.1; the EMA Workbench's ``prim`` follows it).
Every step is kept: the *peeling trajectory* of coverage (the share of all the samples with
a zone that lie inside the box) against density. The chosen box is the densest one whose
coverage is at least ``min_coverage``; only the parameters it restricts are named. A binary
parameter (a red line present or not) is peeled by one value at a time. Samples carry their
evidence weights, so the densities are those of the posterior.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zopa.records import frozen
from zopa.robust.params import ESTIMATE_DIGITS, Parameter

__all__ = ["PrimBox", "PrimResult", "prim"]

FloatArray = NDArray[np.float64]


@frozen
class PrimBox:
    """A box: per restricted parameter [low, high], with its coverage, density and support."""

    limits: tuple[tuple[Parameter, float, float], ...]  # restricted parameters only
    coverage: float  # share of all the zone-weight inside the box
    density: float  # share of the box's weight with a zone
    support: float  # share of all the weight inside the box

    def to_dict(self) -> dict[str, Any]:
        return {
            "limits": {p.name: [_r(lo), _r(hi)] for p, lo, hi in self.limits},
            "coverage": _r(self.coverage),
            "density": _r(self.density),
            "support": _r(self.support),
        }


def _r(x: float) -> float:
    return round(float(x), ESTIMATE_DIGITS)


@frozen
class PrimResult:
    """The peeling trajectory and the chosen box(es)."""

    boxes: tuple[PrimBox, ...]
    trajectory: tuple[PrimBox, ...]
    chosen: int  # index of boxes[0] in the trajectory
    base_density: float  # share of all the weight with a zone
    samples: int
    alpha: float
    min_coverage: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "boxes": [b.to_dict() for b in self.boxes],
            "trajectory": [
                {"coverage": _r(b.coverage), "density": _r(b.density), "support": _r(b.support)}
                for b in self.trajectory
            ],
            "chosen": self.chosen,
            "base_density": _r(self.base_density),
            "samples": self.samples,
            "alpha": self.alpha,
            "min_coverage": self.min_coverage,
        }


def prim(
    params: Sequence[Parameter],
    theta: FloatArray,
    y: NDArray[Any],
    weights: FloatArray | None = None,
    *,
    alpha: float = 0.05,
    min_support: float = 0.05,
    min_coverage: float = 0.5,
) -> PrimResult:
    """Peel boxes over ``theta`` (n x k) towards samples where ``y`` is true."""
    n, k = theta.shape
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    yv = np.asarray(y, dtype=bool)
    total_w = float(w.sum())
    total_y = float(w[yv].sum())
    lo = theta.min(axis=0) if n else np.zeros(k)
    hi = theta.max(axis=0) if n else np.zeros(k)
    box_lo, box_hi = lo.copy(), hi.copy()
    inside = np.ones(n, dtype=bool)

    def make(ins: NDArray[np.bool_]) -> PrimBox:
        wi = float(w[ins].sum())
        yi = float(w[ins & yv].sum())
        limits = tuple(
            (params[j], float(box_lo[j]), float(box_hi[j]))
            for j in range(k)
            if box_lo[j] > lo[j] or box_hi[j] < hi[j]
        )
        return PrimBox(
            limits,
            yi / total_y if total_y else 0.0,
            yi / wi if wi else 0.0,
            wi / total_w if total_w else 0.0,
        )

    trajectory = [make(inside)]
    while total_w and float(w[inside].sum()) / total_w > min_support:
        best: tuple[float, int, float, float] | None = None  # density, column, lo, hi
        cur = theta[inside]
        wc, yc = w[inside], yv[inside]
        for j in range(k):
            col = cur[:, j]
            values = np.unique(col)
            if len(values) < 2:
                continue
            if len(values) == 2:  # binary: drop one of the two values
                cuts = [(values[1], box_hi[j]), (box_lo[j], values[0])]
            else:
                a, b = np.quantile(col, [alpha, 1 - alpha])
                cuts = [(a, box_hi[j]), (box_lo[j], b)]
            for c_lo, c_hi in cuts:
                keep = (col >= c_lo) & (col <= c_hi)
                if keep.all() or not keep.any():
                    continue
                wk = float(wc[keep].sum())
                if wk / total_w < min_support:
                    continue
                dens = float(wc[keep & yc].sum()) / wk
                if best is None or dens > best[0] + 1e-12:
                    best = (dens, j, float(c_lo), float(c_hi))
        if best is None:
            break
        _, j, c_lo, c_hi = best
        box_lo[j], box_hi[j] = c_lo, c_hi
        inside &= (theta[:, j] >= c_lo) & (theta[:, j] <= c_hi)
        trajectory.append(make(inside))
    ok = [i for i, b in enumerate(trajectory) if b.coverage >= min_coverage]
    chosen = max(ok, key=lambda i: (trajectory[i].density, -i)) if ok else 0
    return PrimResult(
        (trajectory[chosen],),
        tuple(trajectory),
        chosen,
        total_y / total_w if total_w else 0.0,
        n,
        alpha,
        min_coverage,
    )
