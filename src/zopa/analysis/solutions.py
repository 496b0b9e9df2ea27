"""Bargaining solutions over a finite set of utility vectors (exact).

Every solution below is attained on the Pareto frontier, so the engines pass the frontier
(n x g, gating parties only) with the disagreement point d (the reservations). Ties are broken
deterministically: by the stated secondary criterion, then by the smallest package number.

- Nash (1950): max prod_p (U_p - d_p); power-weighted Nash (Kalai 1977; Binmore, Rubinstein &
  Wolinsky 1986): max prod_p (U_p - d_p)^power_p. Computed as sums of logs; when every
  point has some U_p = d_p the product is 0 everywhere and the utilitarian sum decides.
- Kalai & Smorodinsky (1975): max min_p (U_p - d_p) / (ideal_p - d_p), ideal_p = max U_p over
  the set (a party with ideal_p = d_p counts as fully satisfied); ties by utilitarian sum.
- Egalitarian (Kalai 1977) with leximin tie-break (Rawls 1971; Imai 1983): lexicographically
  maximise the sorted gains U_p - d_p.
- Utilitarian: max sum_p U_p; ties by the egalitarian minimum gain.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zopa.model.compiled import PRECISION
from zopa.vocab import SOLUTION_KEYS

__all__ = [
    "SOLUTION_NAMES",
    "egalitarian",
    "ideal_point",
    "kalai_smorodinsky",
    "log_gains",
    "nash",
    "nash_by_logs",
    "pick",
    "utilitarian",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

SOLUTION_NAMES = SOLUTION_KEYS  # the names, meanings and markers: zopa.vocab.solutions
_TIE = PRECISION  # decimals: keys equal to this precision are ties


def pick(keys: list[FloatArray], order: IntArray) -> int:
    """Row maximising the keys lexicographically (rounded), then with the smallest ``order``."""
    rows = np.arange(len(order))
    for key in keys:
        k = np.round(key[rows], _TIE)
        best = k.max()
        rows = rows[k == best]
        if len(rows) == 1:
            return int(rows[0])
    return int(rows[np.argmin(order[rows])])


def _logs(u: FloatArray, d: FloatArray, weights: FloatArray) -> FloatArray:
    gain = u - d
    with np.errstate(divide="ignore", invalid="ignore"):
        lg = np.where(gain > 0, np.log(np.where(gain > 0, gain, 1.0)), -np.inf)
    out: FloatArray = (lg * weights).sum(axis=1) if len(weights) else np.zeros(len(u))
    return np.where(np.isnan(out), -np.inf, out)


def nash(u: FloatArray, d: FloatArray, order: IntArray, power: FloatArray | None = None) -> int:
    """Row of the (power-weighted) Nash bargaining solution."""
    w = np.ones(u.shape[1]) if power is None else np.asarray(power, dtype=np.float64)
    return nash_by_logs(_logs(u, d, w), u, order)


def log_gains(u: FloatArray, d: FloatArray) -> FloatArray:
    """log(U_p - d_p) per row and party, -inf where the gain is not positive."""
    gain = u - d
    with np.errstate(divide="ignore"):
        out: FloatArray = np.log(np.where(gain > 0, gain, 0.0))
    return out


def nash_by_logs(logs: FloatArray, u: FloatArray, order: IntArray) -> int:
    """Row of the Nash solution given each row's sum_p w_p log(U_p - d_p) (-inf: a zero gain)."""
    if np.isneginf(logs).all():
        return pick([u.sum(axis=1)], order)
    return pick([np.where(np.isneginf(logs), -1e100, logs), u.sum(axis=1)], order)


def ideal_point(u: FloatArray) -> FloatArray:
    return np.asarray(u.max(axis=0), dtype=np.float64)


def kalai_smorodinsky(u: FloatArray, d: FloatArray, order: IntArray) -> int:
    span = ideal_point(u) - d
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(span > 0, (u - d) / np.where(span > 0, span, 1.0), 1.0)
    return pick([ratio.min(axis=1), u.sum(axis=1)], order)


def egalitarian(u: FloatArray, d: FloatArray, order: IntArray) -> int:
    gains = np.sort(u - d, axis=1)
    return pick([gains[:, j] for j in range(gains.shape[1])], order)


def utilitarian(u: FloatArray, d: FloatArray, order: IntArray) -> int:
    return pick([u.sum(axis=1), (u - d).min(axis=1)], order)


def all_solutions(
    u: FloatArray, d: FloatArray, power: FloatArray, order: IntArray
) -> dict[str, int]:
    """Row of each named solution (``u`` non-empty)."""
    return {
        "nash": nash(u, d, order),
        "nash_weighted": nash(u, d, order, power),
        "kalai_smorodinsky": kalai_smorodinsky(u, d, order),
        "egalitarian": egalitarian(u, d, order),
        "utilitarian": utilitarian(u, d, order),
    }
