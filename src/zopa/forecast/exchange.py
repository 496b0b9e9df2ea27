"""The Stokman–van Oosten exchange model, equal-gain variant.

By default (``variant="decide"``) the model as decide-exchange-model computes it (see
:mod:`zopa.forecast._decide_exchange`): several same-direction exchanges per actor-issue and
round with recalculation, moves capped at the demander's position, partial adoption of the
voting positions between rounds. ``variant="textbook"`` is the simpler one described below.

Sources: Stokman & van Oosten, "The exchange of voting positions: an object-oriented model of
policy networks" (1994, in Bueno de Mesquita & Stokman, eds., *European Community Decision
Making*, ch. 5); Stokman & van den Bos (1992); the decide-exchange-model tool (Stokman,
Kroon) for the equal-gain rule and the input format.

Each round, with voting positions ``V`` (initially the positions) and per issue the expected
outcome ``O`` = the capability·salience-weighted mean of ``V``:

1. A candidate exchange is two issues ``p, q`` of one group and two actors ``i, j`` that are on
   opposite sides of ``O`` on both issues and value them differently:
   ``s_ip / s_iq > s_jp / s_jq``. Then ``j`` moves its voting position on ``p`` towards ``i``
   and ``i`` moves on ``q`` towards ``j``.
2. The moves are sized so that both gain equally (gain = salience × shift of the expected
   outcome towards oneself, minus the same for the conceded issue): with the outcome shifts
   ``ΔO_q = ΔO_p (s_ip + s_jp)/(s_iq + s_jq)``, as large as the positions allow (one of the
   two actors moves all the way to the other's position). The common gain is
   ``s_ip ΔO_p − s_iq ΔO_q``.
3. Exchanges are carried out greedily, largest gain first; an actor-issue takes part in at
   most one exchange per round. Rounds repeat until none is left or the round limit.
   The greedy choice is made in a few vectorised passes: a candidate that no earlier live
   candidate overlaps is taken (the sequential greedy takes it too), its overlaps dropped.

The forecast of an issue is the weighted mean of the final voting positions. All candidate
exchanges of a round are computed at once with NumPy (issue pairs × actor pairs).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from zopa.errors import AnalysisError
from zopa.forecast._decide_exchange import decide_round
from zopa.forecast._types import FloatArray, ForecastInput, IssueTrace, ModelRun
from zopa.forecast.static import weighted_mean, weighted_median_values

__all__ = ["VARIANTS", "decide_group", "exchange", "exchange_group", "exchange_round"]

VARIANTS = ("decide", "textbook")


def exchange(data: ForecastInput, *, rounds: int = 10, variant: str = "decide") -> ModelRun:
    """Run the exchange model within each issue group; forecast = weighted mean of voting
    positions after the last round (an issue alone in its group keeps the compromise value)."""
    if rounds < 0:
        raise AnalysisError("rounds must be 0 or more")
    if variant not in VARIANTS:
        raise AnalysisError(
            f"unknown exchange variant {variant!r}; use one of: " + ", ".join(VARIANTS)
        )
    forecast: dict[str, float] = {}
    trace: dict[str, IssueTrace] = {}
    for g in dict.fromkeys(data.group):
        cols = [j for j, gg in enumerate(data.group) if gg == g]
        sub = data.subset(cols)
        if variant == "decide":
            hist = decide_group(
                sub.position, sub.salience, sub.capability, sub.low, sub.high, rounds=rounds
            )
        else:
            hist = exchange_group(sub.position, sub.salience, sub.capability, rounds=rounds)
        w = sub.capability * sub.salience
        for k, issue in enumerate(sub.issues):
            vk = hist[:, :, k].T  # actors × rounds
            wk = np.repeat(w[:, k : k + 1], vk.shape[1], axis=1)
            means, meds = weighted_mean(vk, wk), weighted_median_values(vk, wk)
            forecast[issue] = float(means[-1])
            keep = ~np.isnan(sub.position[:, k])
            trace[issue] = IssueTrace(
                median=tuple(map(float, meds)),
                mean=tuple(map(float, means)),
                positions={
                    a: tuple(map(float, vk[i])) for i, a in enumerate(sub.actors) if keep[i]
                },
            )
    return ModelRun("exchange", {i: forecast[i] for i in data.issues}, trace)


def decide_group(
    x: FloatArray, s: FloatArray, c: FloatArray, low: FloatArray, high: FloatArray, *, rounds: int
) -> FloatArray:
    """decide's voting positions round by round (rounds+1 × actors × issues, round 0 = the
    input); each issue is run on decide's 0-100 scale (from ``low``-``high``) and mapped back."""
    span = high - low
    scale = np.where(span > 0, 100.0 / np.where(span > 0, span, 1.0), 1.0)
    z = (np.asarray(x, dtype=np.float64) - low) * scale
    hist = [np.array(x, dtype=np.float64)]
    for _ in range(rounds):
        vote, z, made = decide_round(z, s, c)
        hist.append(vote / scale + low)
        if made == 0:
            hist.extend(hist[-1].copy() for _ in range(rounds + 1 - len(hist)))
            break
    return np.array(hist)


def exchange_group(x: FloatArray, s: FloatArray, c: FloatArray, *, rounds: int) -> FloatArray:
    """The textbook variant's voting positions round by round: an array rounds+1 × actors ×
    issues (NaN = absent)."""
    v = np.array(x, dtype=np.float64)
    hist = [v.copy()]
    for _ in range(rounds):
        v, n_done = exchange_round(v, s, c)
        hist.append(v.copy())
        if n_done == 0:
            hist.extend(v.copy() for _ in range(rounds + 1 - len(hist)))
            break
    return np.array(hist)


_Index = npt.NDArray[np.intp]


def _candidates(
    v: FloatArray, s: FloatArray, c: FloatArray
) -> tuple[_Index, _Index, _Index, _Index, FloatArray, FloatArray]:
    """Every candidate exchange ``(p, q, i, j)`` with ``p < q`` (j concedes on p, i on q), as
    flat index arrays in greedy order (largest gain first, then ``(p, q, i, j)``), and the
    two voting-position moves ``(move of j on p, move of i on q)``."""
    m = v.shape[1]
    w = np.where(np.isnan(v), 0.0, c * s)
    total = w.sum(axis=0)
    side = np.sign(np.nan_to_num(v - weighted_mean(v, w), nan=0.0))  # actors × issues
    sal, vt = np.nan_to_num(s), np.nan_to_num(v)
    pp, qq = np.triu_indices(m, 1)
    # opposite sides on both issues, for every issue pair × actor pair
    opp = (side[:, None, pp] * side[None, :, pp] < 0) & (side[:, None, qq] * side[None, :, qq] < 0)
    opp &= sal[:, None, pp] * sal[None, :, qq] > sal[None, :, pp] * sal[:, None, qq]
    ii, jj, kk = np.nonzero(opp)  # kk indexes the issue pair
    p, q = pp[kk], qq[kk]
    sip, siq, sjp, sjq = sal[ii, p], sal[ii, q], sal[jj, p], sal[jj, q]
    tot = np.where(total > 0, total, 1.0)
    a_max = w[jj, p] * np.abs(vt[ii, p] - vt[jj, p]) / tot[p]  # max ΔO_p from j's move on p
    b_max = w[ii, q] * np.abs(vt[jj, q] - vt[ii, q]) / tot[q]  # max ΔO_q from i's move on q
    with np.errstate(invalid="ignore", divide="ignore"):
        k = (sip + sjp) / (siq + sjq)
        d_p = np.minimum(a_max, b_max / k)
        d_q = k * d_p
        gain = sip * d_p - siq * d_q
        move_j = np.sign(vt[ii, p] - vt[jj, p]) * d_p * tot[p] / w[jj, p]
        move_i = np.sign(vt[jj, q] - vt[ii, q]) * d_q * tot[q] / w[ii, q]
    keep = np.isfinite(gain) & (gain > 1e-15)
    p, q, ii, jj, gain = p[keep], q[keep], ii[keep], jj[keep], gain[keep]
    order = np.lexsort((jj, ii, q, p, -gain))
    return p[order], q[order], ii[order], jj[order], move_j[keep][order], move_i[keep][order]


def _greedy(slots: npt.NDArray[np.intp], n_slots: int) -> npt.NDArray[np.bool_]:
    """Which candidates the sequential greedy takes, given each candidate's four actor-issue
    slots in greedy order: rounds of locally first candidates (no earlier live candidate
    shares a slot), which the sequential greedy would take too, until none is left."""
    k = slots.shape[0]
    rank = np.arange(k)
    alive = np.ones(k, dtype=bool)
    taken = np.zeros(k, dtype=bool)
    while alive.any():
        first = np.full(n_slots, k)
        live = np.flatnonzero(alive)
        np.minimum.at(first, slots[live].ravel(), np.repeat(rank[live], 4))
        top = alive & (first[slots] == rank[:, None]).all(axis=1)
        taken |= top
        used = np.zeros(n_slots, dtype=bool)
        used[slots[top].ravel()] = True
        alive &= ~used[slots].any(axis=1)
    return taken


def exchange_round(v: FloatArray, s: FloatArray, c: FloatArray) -> tuple[FloatArray, int]:
    """One round: returns the new voting positions and the number of exchanges made."""
    n, m = v.shape
    if m < 2 or n < 2:
        return v.copy(), 0
    p, q, i, j, move_j, move_i = _candidates(v, s, c)
    slots = np.stack([i * m + p, i * m + q, j * m + p, j * m + q], axis=1)
    take = _greedy(slots, n * m)
    out = v.copy()
    out[j[take], p[take]] += move_j[take]  # each actor-issue at most once: no collisions
    out[i[take], q[take]] += move_i[take]
    return out, int(take.sum())
