"""Bueno de Mesquita's expected-utility model, as specified by Scholz, Calbert & Smith (2011).

Sources: Bueno de Mesquita, *Political forecasting: an expected utility method* (1994, in
Bueno de Mesquita & Stokman, eds., *European Community Decision Making*, ch. 4);
Scholz, Calbert & Smith, "Unravelling Bueno de Mesquita's group decision model",
*Journal of Theoretical Politics* 23(4), 2011 (and ICAART 2011).

One round on one issue, with positions ``x``, capabilities ``c``, saliences ``s`` (0-1) and
the scale's range ``d``:

1. Utilities of ``i`` for a contest with ``j`` (``D = |x_i - x_j| / d``, risk exponent ``r_i``):
   ``Us = 2 - 4(½ - ½D)^r``, ``Uf = 2 - 4(½ + ½D)^r``, ``Usq = 2 - 4(½)^r`` and, with the
   median ``μ``, ``Ub/Uw = 2 - 4(½ ∓ ¼(|x_i - μ| + |x_i - x_j|)/d)^r``.
2. Probability that ``i`` beats ``j``: the share of capability·salience-weighted votes
   ``v_k = c_k s_k (|x_k - x_j| - |x_k - x_i|)`` that favour ``i``.
3. Challenge expected utility
   ``EU_i(j) = s_j (P Us + (1-P) Uf) + (1 - s_j) Us - Q Usq - (1-Q)(T Ub + (1-T) Uw)``.
4. Risk: security ``S_k = Σ_j EU_j(k)`` (computed with all exponents 1),
   ``R_i = (2 S_i - S_max - S_min)/(S_max - S_min)``, ``r_i = (1 - R_i/3)/(1 + R_i/3)``;
   the expected utilities are then recomputed with these exponents.
5. Offers: ``i`` challenges ``j`` when ``EU_i(j) > 0``. Seen from ``j`` the dyad falls in a
   region: conflict (both positive; the one with the smaller EU loses and moves to the
   other's position), compromise (``EU_j(i) < 0`` and ``|EU_j(i)| < EU_i(j)``: ``j`` moves
   part of the way), capitulation (``|EU_j(i)| ≥ EU_i(j)``: ``j`` moves to ``x_i``),
   stalemate (no challenge). Each actor takes the offer that moves it least; all moves are
   applied at once; then the next round.

Known ambiguities between the paper and the replication code are explicit switches
(:class:`EumOptions`) with two presets, ``paper`` and ``scholz-code``; see docs/forecasting.md
for what each switch means and how well each preset reproduces the published example.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from zopa.errors import AnalysisError
from zopa.forecast._types import FloatArray, ForecastInput, IssueTrace, ModelRun
from zopa.forecast.static import weighted_mean, weighted_median_values

__all__ = ["PRESETS", "EumOptions", "eum_issue", "expected_utility"]


@dataclass(frozen=True)
class EumOptions:
    """The free choices of the expected-utility model.

    - ``q``: probability that the status quo persists if nobody challenges (Q; 1.0 in Scholz).
    - ``t``: probability that things get better rather than worse otherwise (T; matters only
      when ``q < 1``).
    - ``rounds``: number of rounds.
    - ``denominator``: the votes counted in the probability of success: ``"all"`` actors, or
      ``"others"`` (leaving out the challenger's own vote).
    - ``perspective``: whose risk exponent is used for the target's expected utility when it
      weighs an offer: ``"own"`` (its own) or ``"challenger"`` (the challenger's estimate).
    - ``compromise``: how far a compromising actor moves: ``"proportional"`` (the share
      ``|EU_j(i)| / EU_i(j)`` of the distance) or ``"midpoint"`` (half the distance).
    - ``choice``: which of several offers an actor takes: ``"least-move"`` (the one that moves
      it least, as Scholz et al. state) or ``"strongest"`` (the one with the challenger's
      highest expected utility, nearest first on ties).
    """

    q: float = 1.0
    t: float = 1.0
    rounds: int = 8
    denominator: Literal["all", "others"] = "all"
    perspective: Literal["own", "challenger"] = "own"
    compromise: Literal["proportional", "midpoint"] = "proportional"
    choice: Literal["least-move", "strongest"] = "least-move"


PRESETS: dict[str, EumOptions] = {
    "paper": EumOptions(),
    "scholz-code": EumOptions(denominator="others", perspective="challenger"),
}


def expected_utility(
    data: ForecastInput,
    *,
    preset: str = "paper",
    q: float | None = None,
    t: float | None = None,
    rounds: int | None = None,
    options: EumOptions | None = None,
) -> ModelRun:
    """Run the expected-utility model on every issue; the forecast is the last round's median.

    ``options`` (or a named ``preset``) fixes the ambiguous choices; ``q``, ``t`` and
    ``rounds`` override it.
    """
    opts = _options(preset, options, q=q, t=t, rounds=rounds)
    forecast: dict[str, float] = {}
    trace: dict[str, IssueTrace] = {}
    present = data.present
    for j, issue in enumerate(data.issues):
        rows = np.flatnonzero(present[:, j])
        if rows.size == 0:
            forecast[issue] = float("nan")
            continue
        tr = eum_issue(data.position[rows, j], data.capability[rows, j], data.salience[rows, j],
                       span=float(data.high[j] - data.low[j]), options=opts)
        names = [data.actors[i] for i in rows]
        trace[issue] = IssueTrace(
            median=tuple(map(float, tr[1])), mean=tuple(map(float, tr[2])),
            positions={a: tuple(map(float, tr[0][:, k])) for k, a in enumerate(names)},
        )
        forecast[issue] = float(tr[1][-1])
    return ModelRun("eum", forecast, trace)


def _options(preset: str, options: EumOptions | None, **over: float | int | None) -> EumOptions:
    if options is None:
        if preset not in PRESETS:
            raise AnalysisError(f"unknown expected-utility preset {preset!r}; "
                                f"use one of: {', '.join(PRESETS)}")
        options = PRESETS[preset]
    changes = {k: v for k, v in over.items() if v is not None}
    opts = replace(options, **changes)  # type: ignore[arg-type]
    if opts.rounds < 0 or not 0.0 <= opts.q <= 1.0 or not 0.0 <= opts.t <= 1.0:
        raise AnalysisError("rounds must be ≥ 0 and Q, T in [0, 1]")
    return opts


def eum_issue(
    x: FloatArray, c: FloatArray, s: FloatArray, *, span: float, options: EumOptions
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """All rounds on one issue: (positions rounds × actors, medians, means); row 0 the input."""
    d = span if span > 0 else max(float(np.ptp(x)), 1.0)
    w = (c * s)[:, None]
    xs = [np.asarray(x, dtype=np.float64).copy()]
    for _ in range(options.rounds):
        xs.append(_round(xs[-1], c, s, d, options))
    pos = np.array(xs)
    med = weighted_median_values(pos.T, np.repeat(w, pos.shape[0], axis=1))
    mean = weighted_mean(pos.T, np.repeat(w, pos.shape[0], axis=1))
    return pos, med, mean


def _round(x: FloatArray, c: FloatArray, s: FloatArray, d: float,
           opts: EumOptions) -> FloatArray:
    n = x.size
    mu = float(weighted_median_values(x[:, None], (c * s)[:, None])[0])
    prob = _win_probability(x, c, s, opts.denominator)
    eu1 = _challenge_eu(x, s, prob, np.ones((n, n)), mu, d, opts)
    r = _risk_exponents(eu1)
    eu = _challenge_eu(x, s, prob, np.broadcast_to(r[:, None], (n, n)), mu, d, opts)
    if opts.perspective == "own":
        seen = eu  # seen[j, i]: j's utility of challenging i, with j's own exponent
    else:
        seen = _challenge_eu(x, s, prob, np.broadcast_to(r[None, :], (n, n)), mu, d, opts)
    return _apply_offers(x, eu, seen, opts)


def _win_probability(x: FloatArray, c: FloatArray, s: FloatArray, mode: str) -> FloatArray:
    """``P[i, j]``: share of the weighted votes k casts for i over j that favour i."""
    dist = np.abs(x[:, None] - x[None, :])  # dist[k, m] = |x_k - x_m|
    # v[k, i, j] = c_k s_k (|x_k - x_j| - |x_k - x_i|)
    v = (c * s)[:, None, None] * (dist[:, None, :] - dist[:, :, None])
    if mode == "others":
        n = x.size
        v = v.copy()
        v[np.arange(n), np.arange(n), :] = 0.0  # the challenger's own vote left out
    top = np.clip(v, 0.0, None).sum(axis=0)
    bottom = np.abs(v).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1.0), 0.5)


def _challenge_eu(x: FloatArray, s: FloatArray, prob: FloatArray, r: FloatArray, mu: float,
                  d: float, opts: EumOptions) -> FloatArray:
    """``EU[i, j]``: i's expected utility of challenging j, with exponent ``r[i, j]``."""
    dd = np.abs(x[:, None] - x[None, :]) / d
    us = 2 - 4 * (0.5 - 0.5 * dd) ** r
    uf = 2 - 4 * (0.5 + 0.5 * dd) ** r
    usq = 2 - 4 * 0.5**r
    eu = s[None, :] * (prob * us + (1 - prob) * uf) + (1 - s[None, :]) * us - opts.q * usq
    if opts.q < 1.0:
        m = np.clip((np.abs(x - mu)[:, None] + np.abs(x[:, None] - x[None, :])) / d, 0, 2)
        ub = 2 - 4 * np.clip(0.5 - 0.25 * m, 0, None) ** r
        uw = 2 - 4 * (0.5 + 0.25 * m) ** r
        eu = eu - (1 - opts.q) * (opts.t * ub + (1 - opts.t) * uw)
    np.fill_diagonal(eu, 0.0)
    return np.asarray(eu, dtype=np.float64)


def _risk_exponents(eu: FloatArray) -> FloatArray:
    """``r_i`` from the security levels ``S_i = Σ_j EU_j(i)`` (others' gains from challenging i)."""
    sec = eu.sum(axis=0)
    lo, hi = float(sec.min()), float(sec.max())
    if hi - lo <= 1e-12:
        return np.ones_like(sec)
    big_r = (2 * sec - hi - lo) / (hi - lo)
    return np.asarray((1 - big_r / 3) / (1 + big_r / 3), dtype=np.float64)


def _apply_offers(x: FloatArray, eu: FloatArray, seen: FloatArray,
                  opts: EumOptions) -> FloatArray:
    """Each target j takes, among the offers that move it, the one that moves it least."""
    ui = eu  # ui[i, j] = EU_i(j): challenger i's gain; an offer when > 0
    uj = seen.T  # uj[i, j] = EU_j(i) as j weighs i's offer
    gap = x[:, None] - x[None, :]  # gap[i, j] = x_i - x_j
    offer = ui > 0
    conflict = offer & (uj > 0) & (ui > uj)
    comp = offer & (uj < 0) & (np.abs(uj) < ui)
    capit = offer & (uj <= 0) & ~comp
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.abs(uj) / np.where(offer, ui, 1.0) if opts.compromise == "proportional" else 0.5
    move = np.where(conflict | capit, gap, np.where(comp, gap * share, np.nan))
    move[np.abs(move) <= 0] = np.nan
    has = ~np.isnan(move).all(axis=0)
    if opts.choice == "least-move":
        pick = np.argmin(np.where(np.isnan(move), np.inf, np.abs(move)), axis=0)
    else:  # the strongest offer, whether or not it moves the target
        strength = np.where(offer, ui - 1e-9 * np.abs(gap), -np.inf)
        pick = np.argmax(strength, axis=0)
        has = has & offer.any(axis=0)
    delta = np.where(has, move[pick, np.arange(x.size)], 0.0)
    return np.asarray(x + np.nan_to_num(delta), dtype=np.float64)
