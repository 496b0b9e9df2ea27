"""The Stokman–van Oosten exchange model, equal-gain variant.

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

The forecast of an issue is the weighted mean of the final voting positions. All candidate
exchanges of a round are computed at once with NumPy (issue pairs × actor pairs).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from zopa.errors import AnalysisError
from zopa.forecast._types import FloatArray, ForecastInput, IssueTrace, ModelRun
from zopa.forecast.static import weighted_mean, weighted_median_values

__all__ = ["exchange", "exchange_group", "exchange_round"]


def exchange(data: ForecastInput, *, rounds: int = 10) -> ModelRun:
    """Run the exchange model within each issue group; forecast = weighted mean of voting
    positions after the last round (an issue alone in its group keeps the compromise value)."""
    if rounds < 0:
        raise AnalysisError("rounds must be 0 or more")
    forecast: dict[str, float] = {}
    trace: dict[str, IssueTrace] = {}
    for g in dict.fromkeys(data.group):
        cols = [j for j, gg in enumerate(data.group) if gg == g]
        sub = data.subset(cols)
        hist = exchange_group(sub.position, sub.salience, sub.capability, rounds=rounds)
        w = sub.capability * sub.salience
        for k, issue in enumerate(sub.issues):
            vk = hist[:, :, k].T  # actors × rounds
            wk = np.repeat(w[:, k : k + 1], vk.shape[1], axis=1)
            means, meds = weighted_mean(vk, wk), weighted_median_values(vk, wk)
            forecast[issue] = float(means[-1])
            keep = ~np.isnan(sub.position[:, k])
            trace[issue] = IssueTrace(
                median=tuple(map(float, meds)), mean=tuple(map(float, means)),
                positions={a: tuple(map(float, vk[i])) for i, a in enumerate(sub.actors)
                           if keep[i]},
            )
    return ModelRun("exchange", {i: forecast[i] for i in data.issues}, trace)


def exchange_group(x: FloatArray, s: FloatArray, c: FloatArray, *, rounds: int) -> FloatArray:
    """Voting positions round by round: an array rounds+1 × actors × issues (NaN = absent)."""
    v = np.array(x, dtype=np.float64)
    hist = [v.copy()]
    for _ in range(rounds):
        v, n_done = exchange_round(v, s, c)
        hist.append(v.copy())
        if n_done == 0:
            hist.extend(v.copy() for _ in range(rounds + 1 - len(hist)))
            break
    return np.array(hist)


def _candidates(v: FloatArray, s: FloatArray, c: FloatArray) -> tuple[FloatArray, ...]:
    """Gains and outcome shifts of every candidate exchange, shape issues² × actors²."""
    w = np.where(np.isnan(v), 0.0, c * s)
    total = w.sum(axis=0)
    o = weighted_mean(v, w)
    side = np.sign(np.nan_to_num(v - o, nan=0.0))  # actors × issues
    sal = np.nan_to_num(s)
    m = v.shape[1]
    # index order [p, q, i, j]; j concedes on p, i concedes on q
    sp_i, sq_i = sal.T[:, None, :, None], sal.T[None, :, :, None]
    sp_j, sq_j = sal.T[:, None, None, :], sal.T[None, :, None, :]
    opposite = (side.T[:, None, :, None] * side.T[:, None, None, :] < 0) & (
        side.T[None, :, :, None] * side.T[None, :, None, :] < 0)
    upper = np.triu(np.ones((m, m), dtype=bool), 1)[:, :, None, None]
    ok = opposite & upper & (sp_i * sq_j > sp_j * sq_i)
    vt = np.nan_to_num(v.T)
    wt, tot = w.T, np.where(total > 0, total, 1.0)
    a_max = wt[:, None, None, :] * np.abs(vt[:, None, :, None] - vt[:, None, None, :])
    a_max = a_max / tot[:, None, None, None]  # max ΔO_p from j's move on p
    b_max = wt[None, :, :, None] * np.abs(vt[None, :, None, :] - vt[None, :, :, None])
    b_max = b_max / tot[None, :, None, None]  # max ΔO_q from i's move on q
    with np.errstate(invalid="ignore", divide="ignore"):
        k = (sp_i + sp_j) / (sq_i + sq_j)
        d_p = np.minimum(a_max, b_max / k)
        d_q = k * d_p
        gain = np.where(ok, sp_i * d_p - sq_i * d_q, 0.0)
    gain = np.where(np.isfinite(gain) & (gain > 1e-15), gain, 0.0)
    return gain, d_p, d_q, tot


def exchange_round(v: FloatArray, s: FloatArray, c: FloatArray) -> tuple[FloatArray, int]:
    """One round: returns the new voting positions and the number of exchanges made."""
    n, m = v.shape
    if m < 2 or n < 2:
        return v.copy(), 0
    gain, d_p, d_q, tot = _candidates(v, s, c)
    flat = gain.ravel()
    idx: npt.NDArray[np.intp] = np.flatnonzero(flat)
    order = idx[np.argsort(-flat[idx], kind="stable")]
    out = v.copy()
    w = c * s
    done = 0
    free = np.ones((n, m), dtype=bool)
    pp, qq, ii, jj = np.unravel_index(order, gain.shape)
    while pp.size:
        # the first candidate whose four actor-issue slots are all still free
        ok = free[ii, pp] & free[ii, qq] & free[jj, pp] & free[jj, qq]
        first = int(np.argmax(ok))
        if not ok[first]:
            break
        p, q, i, j = int(pp[first]), int(qq[first]), int(ii[first]), int(jj[first])
        free[i, p] = free[i, q] = free[j, p] = free[j, q] = False
        out[j, p] += np.sign(v[i, p] - v[j, p]) * d_p[p, q, i, j] * tot[p] / w[j, p]
        out[i, q] += np.sign(v[j, q] - v[i, q]) * d_q[p, q, i, j] * tot[q] / w[i, q]
        done += 1
        pp, qq, ii, jj = pp[first + 1 :], qq[first + 1 :], ii[first + 1 :], jj[first + 1 :]
    return out, done
