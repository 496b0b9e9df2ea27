"""Bueno de Mesquita's expected-utility model, as specified by Scholz, Calbert & Smith (2011).

Sources: Bueno de Mesquita, *Political forecasting: an expected utility method* (1994, in
Bueno de Mesquita & Stokman, eds., *European Community Decision Making*, ch. 4);
Scholz, Calbert & Smith, "Unravelling Bueno de Mesquita's group decision model",
*Journal of Theoretical Politics* 23(4), 2011 (and ICAART 2011); for the ``scholz-code``
preset, a public Python port (``BDMScholzModel``) whose comments mark where it follows
Scholz et al.'s replication code rather than their text.

One round on one issue, with positions ``x``, capabilities ``c``, saliences ``s`` (0-1) and
the scale's range ``d``:

1. Utilities of ``i`` for a contest with ``j`` (``D = |x_i - x_j| / d``, risk exponent ``r``):
   ``Us = 2 - 4(½ - ½D)^r``, ``Uf = 2 - 4(½ + ½D)^r``, ``Usq = 2 - 4(½)^r`` and, with the
   median ``μ``, ``Ub/Uw = 2 - 4(½ ∓ ¼(|x_i - μ| + |x_i - x_j|)/d)^r``.
2. Probability that ``i`` beats ``j``: the votes ``v_k = c_k s_k (δ_kj^ρ - δ_ki^ρ)``
   (``δ_km = |x_k - x_m| / d``; ``ρ`` is 1 or the voter's exponent) that favour ``i``, over
   the absolute votes on this pair (``denominator="pair"``) or on all pairs (``"all-pairs"``).
3. Challenge expected utility
   ``EU_i(j) = s_j (P Us + (1-P) Uf) + (1 - s_j) Us - Q Usq - (1-Q)(T Ub + (1-T) Uw)``.
4. Risk: security ``S_k = Σ_j EU_j(k)`` (computed with all exponents 1),
   ``R_i = (2 S_i - S_max - S_min)/(S_max - S_min)``, ``r_i = (1 - R_i/3)/(1 + R_i/3)``;
   the expected utilities are then recomputed with these exponents.
5. Offers: ``i`` challenges ``j`` when ``EU_i(j) > 0``. Seen from ``j`` the dyad falls in a
   region: conflict (``EU_i(j) > EU_j(i) > 0``: ``j`` loses and moves to ``x_i``), compromise
   (``EU_j(i) < 0`` and ``|EU_j(i)| < EU_i(j)``: ``j`` moves the share ``|EU_j(i)| / EU_i(j)``
   of the way), capitulation (``|EU_j(i)| ≥ EU_i(j)``: ``j`` moves to ``x_i``), stalemate
   (no challenge). Each actor takes one offer; all moves are applied at once; next round.

Known ambiguities between the paper and the replication code are explicit switches
(:class:`EumOptions`) with two presets. ``scholz-code`` reproduces Scholz et al.'s round
medians of the EU emission example to within 0.1 in rounds 1 and 3-8, not in round 2
(9.61 against a published 9.9), and is the default (:data:`DEFAULT_PRESET`); ``paper`` does
not reproduce them (its median stays at 7.0). docs/forecasting.md has the numbers.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from zopa.errors import AnalysisError
from zopa.forecast._types import FloatArray, ForecastInput, IssueTrace, ModelRun
from zopa.forecast.static import weighted_mean, weighted_median_values
from zopa.records import frozen

__all__ = ["DEFAULT_PRESET", "PRESETS", "EumOptions", "eum_issue", "expected_utility"]


@frozen
class EumOptions:
    """The free choices of the expected-utility model.

    - ``q``: probability that the status quo persists if nobody challenges (Q; 1.0 in Scholz).
    - ``t``: probability that things get better rather than worse otherwise (T; matters only
      when ``q < 1``).
    - ``rounds``: number of rounds.
    - ``denominator``: the absolute votes that the votes for ``i`` are divided by in the
      probability of success: those on the pair ``(i, j)`` (``"pair"``, the paper's
      reading) or those on all pairs of actors (``"all-pairs"``, Scholz et al.'s code).
    - ``vote_risk``: the exponent in the voters' utilities: ``"none"`` (1, linear) or
      ``"own"`` (each voter's risk exponent, as Scholz et al.'s code).
    - ``perspective``: whose risk exponent weighs a dyad when the target ``j`` considers
      ``i``'s offer: ``"own"`` (``EU_i(j)`` with ``r_i``, ``EU_j(i)`` with ``r_j``) or
      ``"target"`` (both with ``r_j``: the target's view of the dyad, as Scholz et al.'s code).
    - ``compromise``: how far a compromising actor moves: ``"proportional"`` (the share
      ``|EU_j(i)| / EU_i(j)`` of the distance) or ``"midpoint"`` (half the distance).
    - ``choice``: which of several offers an actor takes: ``"least-move"`` (the one that moves
      it least, as the paper states) or ``"by-region"`` (Scholz et al.'s code: a lost conflict
      first, the nearest; else a compromise, the one whose EU-weighted position
      ``(|EU_j(i)| x_j + EU_i(j) x_i) / (|EU_j(i)| + EU_i(j))`` is lowest; else a
      capitulation, the nearest; ties go to the lower new position).
    """

    q: float = 1.0
    t: float = 1.0
    rounds: int = 8
    denominator: Literal["pair", "all-pairs"] = "pair"
    vote_risk: Literal["none", "own"] = "none"
    perspective: Literal["own", "target"] = "own"
    compromise: Literal["proportional", "midpoint"] = "proportional"
    choice: Literal["least-move", "by-region"] = "least-move"


DEFAULT_PRESET = "scholz-code"
"""The preset ``zopa forecast`` and :func:`expected_utility` use unless told: the one that
reproduces the published rounds of Bueno de Mesquita's EU emission example (7 of 8 round
medians of Scholz et al. 2011; ``examples/forecast/eu-emissions.yaml``). ``paper``, our literal
reading of the text, leaves that example's median at its start (7.0) in every round."""

PRESETS: dict[str, EumOptions] = {
    "paper": EumOptions(),
    "scholz-code": EumOptions(
        denominator="all-pairs", vote_risk="own", perspective="target", choice="by-region"
    ),
}


def expected_utility(
    data: ForecastInput,
    *,
    preset: str = DEFAULT_PRESET,
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
        tr = eum_issue(
            data.position[rows, j],
            data.capability[rows, j],
            data.salience[rows, j],
            span=float(data.high[j] - data.low[j]),
            options=opts,
        )
        names = [data.actors[i] for i in rows]
        trace[issue] = IssueTrace(
            median=tuple(map(float, tr[1])),
            mean=tuple(map(float, tr[2])),
            positions={a: tuple(map(float, tr[0][:, k])) for k, a in enumerate(names)},
        )
        forecast[issue] = float(tr[1][-1])
    return ModelRun("eum", forecast, trace)


def _options(preset: str, options: EumOptions | None, **over: float | int | None) -> EumOptions:
    if options is None:
        if preset not in PRESETS:
            raise AnalysisError(
                f"unknown expected-utility preset {preset!r}; use one of: {', '.join(PRESETS)}"
            )
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


def _round(x: FloatArray, c: FloatArray, s: FloatArray, d: float, opts: EumOptions) -> FloatArray:
    n = x.size
    mu = float(weighted_median_values(x[:, None], (c * s)[:, None])[0])
    ones = np.ones(n)
    prob = _win_probability(x, c, s, d, ones, opts.denominator)
    r = _risk_exponents(_challenge_eu(x, s, prob, ones[:, None], mu, d, opts))
    if opts.vote_risk == "own":
        prob = _win_probability(x, c, s, d, r, opts.denominator)
    own = _challenge_eu(x, s, prob, r[:, None], mu, d, opts)  # EU_i(j) with r_i
    # EU_i(j) as the target j weighs it: with r_i ("own") or with j's own r_j ("target")
    ui = own if opts.perspective == "own" else _challenge_eu(x, s, prob, r[None, :], mu, d, opts)
    return _apply_offers(x, ui, own.T, opts)


def _win_probability(
    x: FloatArray, c: FloatArray, s: FloatArray, d: float, rho: FloatArray, mode: str
) -> FloatArray:
    """``P[i, j]``: the share of the votes that favour i over j (0.5 when nobody votes)."""
    delta = (np.abs(x[:, None] - x[None, :]) / d) ** rho[:, None]  # δ[k, m] = |x_k - x_m|^ρ_k
    # v[k, i, j] = c_k s_k (δ[k, j] - δ[k, i]), summed over the voters k in chunks so memory
    # stays near 4 million floats whatever the number of actors
    n = x.shape[0]
    top = np.zeros((n, n))
    bottom = np.zeros((n, n))
    step = max(1, (1 << 22) // max(1, n * n))
    for k0 in range(0, n, step):
        dk = delta[k0 : k0 + step]
        v = (c * s)[k0 : k0 + step, None, None] * (dk[:, None, :] - dk[:, :, None])
        top += np.clip(v, 0.0, None).sum(axis=0)
        bottom += np.abs(v).sum(axis=0)
    if mode == "all-pairs":
        bottom = np.full_like(bottom, bottom.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1.0), 0.5)


def _challenge_eu(
    x: FloatArray,
    s: FloatArray,
    prob: FloatArray,
    r: FloatArray,
    mu: float,
    d: float,
    opts: EumOptions,
) -> FloatArray:
    """``EU[i, j]``: i's expected utility of challenging j, with exponent ``r`` (broadcast to
    ``[i, j]``)."""
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
    eu = np.array(np.broadcast_to(eu, dd.shape), dtype=np.float64)
    np.fill_diagonal(eu, 0.0)
    return eu


def _risk_exponents(eu: FloatArray) -> FloatArray:
    """``r_i`` from the security levels ``S_i = Σ_j EU_j(i)`` (others' gains from challenging i)."""
    sec = eu.sum(axis=0)
    lo, hi = float(sec.min()), float(sec.max())
    if hi - lo <= 1e-12:
        return np.ones_like(sec)
    big_r = (2 * sec - hi - lo) / (hi - lo)
    return np.asarray((1 - big_r / 3) / (1 + big_r / 3), dtype=np.float64)


def _apply_offers(x: FloatArray, ui: FloatArray, uj: FloatArray, opts: EumOptions) -> FloatArray:
    """Each target j takes one of the offers that move it (``ui[i, j] = EU_i(j)``,
    ``uj[i, j] = EU_j(i)``, both as j weighs i's offer)."""
    gap = x[:, None] - x[None, :]  # gap[i, j] = x_i - x_j: j's move to i's position
    offer = (ui > 0) & (gap != 0)
    conflict = offer & (uj > 0) & (ui > uj)
    comp = offer & (uj < 0) & (np.abs(uj) < ui)
    capit = offer & (uj <= 0) & ~comp
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.abs(uj) / np.where(offer, ui, 1.0) if opts.compromise == "proportional" else 0.5
    move = np.where(conflict | capit, gap, np.where(comp, gap * share, 0.0))
    moves = (conflict | comp | capit) & (move != 0)
    if opts.choice == "least-move":
        pick = np.argmin(np.where(moves, np.abs(move), np.inf), axis=0)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            weighted = (np.abs(uj) * x[None, :] + ui * x[:, None]) / (np.abs(uj) + ui)
        key = np.where(conflict, np.abs(gap), np.where(comp, weighted, np.abs(gap)))
        region = np.where(conflict, 0, np.where(comp, 1, 2))
        pick = _lowest(np.where(moves, region, 3), key, x[None, :] + move)
    has = moves.any(axis=0)
    delta = np.where(has, move[pick, np.arange(x.size)], 0.0)
    return np.asarray(x + delta, dtype=np.float64)


def _lowest(region: npt.NDArray[np.int_], key: FloatArray, pos: FloatArray) -> npt.NDArray[np.intp]:
    """Per column, the row with the lowest (region, key, new position), keys equal within 1e-12."""
    best_region = region.min(axis=0)
    in_region = region == best_region
    k = np.where(in_region, key, np.inf)
    tied = in_region & (k <= k.min(axis=0) + 1e-12 * np.maximum(1.0, np.abs(k.min(axis=0))))
    return np.asarray(np.argmin(np.where(tied, pos, np.inf), axis=0), dtype=np.intp)
