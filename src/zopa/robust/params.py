"""The uncertain parameters of a scenario, how they are drawn, and a sample as a scenario.

A parameter is one uncertain number of one party: its reservation, one raw weight, one value
(an option of a discrete issue, or a given point of a numeric issue's curve), or the presence of
one red line (see the typed targets of :mod:`zopa.model.uncertainty`). Each is drawn from its
distribution (:mod:`zopa.model.distributions`; ``[low, high]`` is uniform), red lines present
with their probability, independently unless the scenario's ``correlations`` tie some through a
Gaussian copula. Draws come in deterministic blocks: block ``k`` of seed ``s`` is always drawn from
``numpy.random.SeedSequence(s, spawn_key=(k,))``, so a run split over processes or a Dask
cluster draws exactly the same samples as a run in one process, and the first ``n`` samples of a
longer run are the samples of a run of ``n``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import field

import numpy as np
from numpy.typing import NDArray

from zopa.model.distributions import Distribution, Present
from zopa.model.scenario import FrozenMap, Preferences, Rule, Scenario
from zopa.model.uncertainty import (
    CurvePoint,
    RedLine,
    Reservation,
    Target,
    Value,
    Weight,
    uncertain_parameters,
)
from zopa.records import frozen

__all__ = [
    "BLOCK",
    "Parameter",
    "Sampler",
    "draw",
    "draw_block",
    "parameters",
    "sampled_scenario",
]

ESTIMATE_DIGITS = 6
"""Sampled estimates (probabilities, their intervals, variances, PRIM boxes' density and
support, swings) are reported to 6 decimals: their sampling error is far larger, so more
digits would only be noise (and would differ between platforms' float sums)."""
ESS_DIGITS = 1
"""An effective sample size is a count estimate: one decimal."""
INDEX_DIGITS = 4
"""A sensitivity index is a share estimated to ~1e-2: 4 decimals is plenty."""

BLOCK = 1000  # samples per deterministic block (part of the definition of the sample stream)

FloatArray = NDArray[np.float64]


@frozen
class Parameter:
    """One uncertain parameter: where it goes (a typed target), its distribution, its nominal.

    ``low``/``high`` are the ends of the distribution's support; for a red line 0 (absent) and
    1 (present), drawn present with ``probability``. ``nominal`` is the value written in the
    scenario (1 for a red line).
    """

    target: Target
    distribution: Distribution
    nominal: float

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def party(self) -> str:
        return self.target.party

    @property
    def kind(self) -> str:
        return self.target.kind

    @property
    def low(self) -> float:
        return self.distribution.low

    @property
    def high(self) -> float:
        return self.distribution.high

    @property
    def issue(self) -> str | None:
        t = self.target
        return t.issue if isinstance(t, Weight | Value | CurvePoint) else None

    @property
    def key(self) -> str | None:
        t = self.target
        if isinstance(t, Value):
            return t.option
        if isinstance(t, CurvePoint):
            return t.key
        return t.text if isinstance(t, RedLine) else None

    @property
    def probability(self) -> float | None:
        d = self.distribution
        return d.probability if isinstance(d, Present) else None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "parameter": self.name,
            "party": self.party,
            "kind": self.kind,
            "range": [self.low, self.high],
            "nominal": self.nominal,
            "distribution": self.distribution.describe(),
        }
        if self.probability is not None:
            out["probability"] = self.probability
        return out


def parameters(scenario: Scenario) -> tuple[Parameter, ...]:
    """Every uncertain parameter, in a fixed order (party, then kind, then issue order).

    A red line with probability 1 is certain and one with probability 0 never applies: neither
    is a parameter.
    """
    return tuple(
        Parameter(t, d, n) for t, d, n in uncertain_parameters(scenario.issues, scenario.parties)
    )


@frozen(eq=False)
class Sampler:
    """How a block of the sample stream is drawn: the parameters and their copula.

    ``columns`` are the correlated parameters and ``cholesky`` the factor of their
    correlation matrix (empty when every parameter is independent).
    """

    params: tuple[Parameter, ...]
    columns: tuple[int, ...] = ()
    cholesky: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))

    @classmethod
    def of(cls, scenario: Scenario) -> Sampler:
        params = parameters(scenario)
        if not scenario.correlations:
            return cls(params)
        names = [p.name for p in params]
        cols = sorted({names.index(x) for c in scenario.correlations for x in (c.a, c.b)})
        m = np.eye(len(cols))
        for c in scenario.correlations:
            i, j = cols.index(names.index(c.a)), cols.index(names.index(c.b))
            m[i, j] = m[j, i] = c.rho
        return cls(params, tuple(cols), np.asarray(np.linalg.cholesky(m), dtype=np.float64))

    def uniforms(self, seed: int, block: int, rows: int) -> FloatArray:
        """The copula's uniform numbers of a block (rows x params)."""
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
        u = rng.random((rows, len(self.params)))
        if self.columns:
            from scipy.special import ndtr

            z = rng.standard_normal((rows, len(self.columns))) @ self.cholesky.T
            u[:, list(self.columns)] = np.minimum(ndtr(z), np.nextafter(1.0, 0.0))
        return u

    def values(self, u: FloatArray) -> FloatArray:
        """Parameter values of copula uniforms ``u`` (each column through its ppf)."""
        theta = np.empty_like(u)
        for j, p in enumerate(self.params):
            theta[:, j] = p.distribution.ppf(u[:, j])
        return theta

    def block(self, seed: int, block: int, rows: int) -> FloatArray:
        """Rows ``block*BLOCK .. block*BLOCK+rows`` of the sample stream of ``seed``."""
        return self.values(self.uniforms(seed, block, rows))


def draw_block(sampler: Sampler, seed: int, block: int, rows: int) -> FloatArray:
    """Rows ``block*BLOCK .. block*BLOCK+rows`` of the sample stream of ``seed`` (rows x params).

    Each parameter is its distribution's inverse at a uniform number (red lines are 1.0,
    present, or 0.0); correlated parameters get their uniforms from a Gaussian copula.
    """
    return sampler.block(seed, block, rows)


def draw(scenario: Scenario, samples: int, seed: int) -> FloatArray:
    """The first ``samples`` draws of ``seed`` (samples x parameters), as ``robustness`` uses."""
    sampler = Sampler.of(scenario)
    parts = [
        sampler.block(seed, b, min(BLOCK, samples - b * BLOCK))
        for b in range((samples + BLOCK - 1) // BLOCK)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, len(sampler.params)))


def sampled_scenario(scenario: Scenario, theta: Sequence[float] | FloatArray) -> Scenario:
    """The scenario of one sample as an ordinary scenario (no uncertainty, no evidence).

    ``theta`` has one entry per :func:`parameters` entry. Weights are normalised again; a
    numeric issue's curve is interpolated again through its (redrawn) points.
    """
    params = parameters(scenario)
    if len(theta) != len(params):
        raise ValueError(f"theta has {len(theta)} entries for {len(params)} parameters")
    by_party: dict[str, list[tuple[Parameter, float]]] = {}
    for p, x in zip(params, theta, strict=True):
        by_party.setdefault(p.party, []).append((p, float(x)))
    parties = []
    for party in scenario.parties:
        prefs = party.preferences
        if prefs is None or prefs.uncertainty is None:
            parties.append(party)
            continue
        parties.append(
            dataclasses.replace(
                party, preferences=_sampled_preferences(scenario, prefs, by_party.get(party.id, []))
            )
        )
    return dataclasses.replace(scenario, parties=tuple(parties), evidence=())


def _sampled_preferences(
    scenario: Scenario, prefs: Preferences, drawn: list[tuple[Parameter, float]]
) -> Preferences:
    u = prefs.uncertainty
    assert u is not None
    weights: Mapping[str, float] = prefs.weights
    raw = dict(u.raw_weights)
    new_w = {p.target.issue: x for p, x in drawn if isinstance(p.target, Weight)}
    if new_w:
        raw.update(new_w)
        total = sum(raw.values())
        weights = FrozenMap({i: raw[i] / total for i in raw})
    values = dict(prefs.values)
    changed = {(p.issue, p.key): x for p, x in drawn if isinstance(p.target, Value | CurvePoint)}
    for iid in {i for i, _ in changed}:
        assert iid is not None
        iss = scenario.issue(iid)
        if iss.numeric:
            pts = [
                (x, changed.get((iid, _key(x)), y))
                for x, y in u.curves[iid]  # sorted by x
            ]
            grid = np.array(iss.numbers or (), dtype=float)
            ys = np.interp(grid, [a for a, _ in pts], [b for _, b in pts])
            values[iid] = tuple(float(y) for y in ys)
        else:
            values[iid] = tuple(
                changed.get((iid, o), v) for o, v in zip(iss.option_ids, values[iid], strict=True)
            )
    reservation = next(
        (x for p, x in drawn if isinstance(p.target, Reservation)), prefs.reservation
    )
    absent = {p.target.text for p, x in drawn if isinstance(p.target, RedLine) and x < 0.5}
    never = {t for t, q in u.red_lines.items() if q <= 0.0}
    red: tuple[Rule, ...] = tuple(
        r for r in prefs.red_lines if r.text.strip() not in absent | never
    )
    return dataclasses.replace(
        prefs,
        weights=FrozenMap(weights),
        values=FrozenMap(values),
        reservation=float(reservation),
        red_lines=red,
        uncertainty=None,
    )


def _key(x: float) -> str:
    from zopa.model.scenario import format_number

    return format_number(x)
