"""Dense NumPy form of a scenario that every engine works on.

Parties are those with preferences, in file order. ``tables[i]`` is a ``(n_options_i,
n_parties)`` array of *weighted* values w_p,i * v_p,i(o), so the utility of a batch of packages
given as option indices ``idx`` (``m x n_issues``) is the gather-add
``sum_i tables[i][idx[:, i]]``.

This is the one utility computation of zopa: analysis (every engine), negotiation
(:mod:`zopa.negotiate.space`, including re-weighted profiles after pressure events) and the
rendering of results all take utilities from :class:`CompiledScenario`.

Precision
---------
Every utility, margin and reservation is rounded to :data:`PRECISION` decimal places
(:func:`round_utility`), so mathematically equal utilities compare equal whatever the
summation order of an engine, and results compare *exactly* after rounding: "a gains" means
``round_utility(after - before) > 0``. Tie-breaking keys derived from utilities (Nash
log-products, Kalai-Smorodinsky ratios, improvement gains) are rounded to the same
:data:`PRECISION`. Engines that need guard digits internally (the frontier engine's partial
sums) use ``PRECISION + GUARD_DIGITS``; bounds given to a solver whose tolerance is looser
(HiGHS: 10^-9) or used for early pruning carry :data:`SLACK`, and every package found is
re-evaluated with :meth:`utilities`.

Stable API (other layers build on it)
-------------------------------------
``compile_scenario(scenario) -> CompiledScenario``; on it ``sizes``, ``party_ids``,
``gating`` / ``gating_index``, ``reservation``, ``power``, ``n_parties``, ``n_issues``,
``outcomes``, ``decode`` / ``encode`` (package numbers, last issue fastest),
``utilities(idx)`` / ``utility(package)`` (all parties), ``party_utilities(idx, column,
weights)`` (one party, optionally under other issue weights), ``cap(u)`` (each party's
utility cap, :attr:`Preferences.cap`, for engines that sum tables themselves), ``margins(u)``,
``feasible(idx)``, ``red_line_ok(idx)``, ``broken(package)``, ``red_lines_held(package)``,
``violated_constraints(package)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import field
from typing import overload

import numpy as np
from numpy.typing import NDArray

from zopa.model.expr import Formula, evaluate, holds
from zopa.model.scenario import Party, Scenario
from zopa.records import frozen

__all__ = [
    "DECIMALS",
    "GUARD_DIGITS",
    "PRECISION",
    "SLACK",
    "CompiledScenario",
    "compile_scenario",
    "quantise",
    "round_utility",
]

PRECISION = 10
"""Decimal places every utility (and margin, reservation, gain) is rounded to."""
DECIMALS = PRECISION  # the former name, kept for callers
GUARD_DIGITS = 2
"""Extra decimals an engine may keep on *partial* sums before the final rounding."""
SLACK = 10.0 ** -(PRECISION - 1)
"""Slack on bounds that prune or constrain *before* an exact re-check: HiGHS rows (its
feasibility tolerance is 10^-9) and early pruning; every package found is re-evaluated."""

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


def quantise(u: FloatArray) -> FloatArray:
    """Round an array of utilities to :data:`PRECISION` places (in place when writeable)."""
    return np.round(u, PRECISION, out=u) if u.flags.writeable else np.round(u, PRECISION)


@overload
def round_utility(x: float) -> float: ...
@overload
def round_utility(x: FloatArray) -> FloatArray: ...
def round_utility(x: float | FloatArray) -> float | FloatArray:
    """``x`` rounded to :data:`PRECISION` places: a float for a number, a new array for an array.

    Use it for every utility-derived number a result reports or compares (margins, gains,
    shortfalls, tie keys), so that every engine and every layer agrees to the last digit.
    """
    if isinstance(x, np.ndarray):
        return np.round(x, PRECISION)
    return round(float(x), PRECISION) + 0.0  # + 0.0 turns -0.0 into 0.0


@frozen(eq=False)
class CompiledScenario:
    """Arrays for one scenario; build with :func:`compile_scenario`."""

    scenario: Scenario
    sizes: tuple[int, ...]
    party_ids: tuple[str, ...]
    gating: BoolArray
    tables: tuple[FloatArray, ...]
    reservation: FloatArray
    power: FloatArray
    constraints: tuple[Formula, ...]
    red_lines: tuple[tuple[Formula, ...], ...]
    red_line_texts: tuple[tuple[str, ...], ...]
    strides: tuple[int, ...] = field(default=())
    rects: tuple[tuple[tuple[Formula, float], ...], ...] = field(default=())  # per party
    values: tuple[FloatArray, ...] = field(default=())  # per issue: raw values, options x parties
    weights: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))  # parties x issues
    caps: FloatArray = field(default_factory=lambda: np.zeros(0))  # per party; inf: uncapped

    @property
    def capped(self) -> bool:
        """True when some party's utility cap can bind (``Preferences.cap``, GENIUS's 1)."""
        return bool(np.isfinite(self.caps).any())

    @property
    def additive(self) -> bool:
        """True when every utility is a sum of per-issue values: no party has hyper-rectangle
        (non-additive) terms or a cap that can bind."""
        return not any(self.rects) and not self.capped

    def cap(self, u: FloatArray, columns: IntArray | slice | int = slice(None)) -> FloatArray:
        """``u`` (m x parties, or m for one ``columns``) with each party's cap applied, in place."""
        if self.capped:
            np.minimum(u, self.caps[columns], out=u)
        return u

    def rect_utilities(self, idx: IntArray) -> FloatArray | None:
        """The hyper-rectangle part of the utilities (m x n_parties), None when additive."""
        if self.additive:
            return None
        u = np.zeros((idx.shape[0], self.n_parties), dtype=np.float64)
        for p, terms in enumerate(self.rects):
            for f, value in terms:
                u[:, p] += np.where(evaluate(f, idx, self.sizes), value, 0.0)
        return u

    @property
    def n_parties(self) -> int:
        return len(self.party_ids)

    @property
    def n_issues(self) -> int:
        return len(self.sizes)

    @property
    def outcomes(self) -> int:
        return math.prod(self.sizes)

    @property
    def gating_index(self) -> IntArray:
        return np.flatnonzero(self.gating).astype(np.int64)

    def decode(self, linear: IntArray) -> IntArray:
        """Option indices (m x n_issues) of linear package numbers (last issue fastest)."""
        out = np.empty((len(linear), self.n_issues), dtype=np.int64)
        for i, (size, stride) in enumerate(zip(self.sizes, self.strides, strict=True)):
            out[:, i] = (linear // stride) % size
        return out

    def encode(self, idx: IntArray | Sequence[int]) -> int:
        return int(sum(int(k) * s for k, s in zip(idx, self.strides, strict=True)))

    def utilities(self, idx: IntArray) -> FloatArray:
        """Utilities (m x n_parties) of packages given as option indices."""
        u = np.zeros((idx.shape[0], self.n_parties), dtype=np.float64)
        for i, t in enumerate(self.tables):
            u += t[idx[:, i]]
        extra = self.rect_utilities(idx)
        if extra is not None:
            u += extra
        return quantise(self.cap(u))

    def party_utilities(
        self, idx: IntArray, column: int, weights: Sequence[float] | None = None
    ) -> FloatArray:
        """Utilities (m,) of party number ``column`` for packages ``idx``.

        With ``weights`` (one per issue) the additive part is recomputed under those issue
        weights instead of the scenario's (pressure events re-weight a party); hyper-rectangle
        terms are kept as they are. Rounded to :data:`PRECISION` like :meth:`utilities`.
        """
        u = np.zeros(idx.shape[0], dtype=np.float64)
        if weights is None:
            for i, t in enumerate(self.tables):
                u += t[idx[:, i], column]
        else:
            for i, w in enumerate(weights):
                if w:
                    u += float(w) * self.values[i][idx[:, i], column]
        if not self.additive:
            for f, value in self.rects[column]:
                u += np.where(evaluate(f, idx, self.sizes), value, 0.0)
        return quantise(self.cap(u, column))

    def margins(self, u: FloatArray) -> FloatArray:
        """Utilities (m x n_parties) minus reservations, rounded to :data:`PRECISION`."""
        return np.round(u - self.reservation, PRECISION)

    def utility(self, package: Sequence[int]) -> FloatArray:
        out: FloatArray = self.utilities(np.asarray([package], dtype=np.int64))[0]
        return out

    def feasible(self, idx: IntArray) -> BoolArray:
        """Packages that satisfy every scenario constraint."""
        ok = np.ones(idx.shape[0], dtype=bool)
        for f in self.constraints:
            ok &= evaluate(f, idx, self.sizes)
        return ok

    def red_line_ok(self, idx: IntArray) -> BoolArray:
        """(m x n_parties): the package breaks none of that party's red lines."""
        ok = np.ones((idx.shape[0], self.n_parties), dtype=bool)
        for p, rules in enumerate(self.red_lines):
            for f in rules:
                ok[:, p] &= evaluate(f, idx, self.sizes)
        return ok

    def broken(self, package: Sequence[int]) -> list[list[str]]:
        """For each party, the texts of the red lines this package breaks."""
        return [
            [t for f, t in zip(rules, texts, strict=True) if not holds(f, package)]
            for rules, texts in zip(self.red_lines, self.red_line_texts, strict=True)
        ]

    def red_lines_held(self, package: Sequence[int]) -> list[tuple[bool, ...]]:
        """For each party, whether the package keeps each of its red lines (file order)."""
        return [tuple(holds(f, package) for f in rules) for rules in self.red_lines]

    def violated_constraints(self, package: Sequence[int]) -> list[str]:
        return [r.text for r in self.scenario.constraints if not holds(r.formula, package)]


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Dense arrays for ``scenario`` (parties with preferences only)."""
    parties = scenario.with_preferences
    tables, values = [], []
    weights = np.zeros((len(parties), len(scenario.issues)), dtype=np.float64)
    for i, iss in enumerate(scenario.issues):
        v = np.zeros((len(iss.options), len(parties)), dtype=np.float64)
        for p, party in enumerate(parties):
            prefs = party.preferences
            assert prefs is not None
            v[:, p] = np.asarray(prefs.values[iss.id], dtype=np.float64)
            weights[p, i] = prefs.weights[iss.id]
        t = v * weights[:, i][None, :]
        v.setflags(write=False)
        t.setflags(write=False)
        values.append(v)
        tables.append(t)
    weights.setflags(write=False)
    sizes = scenario.sizes
    strides = tuple(math.prod(sizes[i + 1 :]) for i in range(len(sizes)))
    res = np.array([p.preferences.reservation for p in parties if p.preferences], dtype=np.float64)
    return CompiledScenario(
        scenario=scenario,
        sizes=sizes,
        party_ids=tuple(p.id for p in parties),
        gating=np.array([p.gates for p in parties], dtype=bool),
        tables=tuple(tables),
        reservation=np.round(res, PRECISION),
        power=np.array([p.power for p in parties], dtype=np.float64),
        constraints=tuple(r.formula for r in scenario.constraints),
        red_lines=tuple(
            tuple(r.formula for r in p.preferences.red_lines) for p in parties if p.preferences
        ),
        red_line_texts=tuple(
            tuple(r.text for r in p.preferences.red_lines) for p in parties if p.preferences
        ),
        strides=strides,
        rects=tuple(
            tuple((r.formula, u) for r, u in p.preferences.hyperrectangles)
            for p in parties
            if p.preferences
        ),
        values=tuple(values),
        weights=weights,
        caps=_caps(parties),
    )


def _caps(parties: Sequence[Party]) -> FloatArray:
    """Each party's utility cap, inf where it has none or none can bind
    (:meth:`Preferences.binding_cap`: GENIUS caps every hyper-rectangle profile at 1, and
    most never reach it)."""
    caps = np.full(len(parties), np.inf)
    for p, party in enumerate(parties):
        cap = party.preferences.binding_cap() if party.preferences is not None else None
        if cap is not None:
            caps[p] = cap
    caps.setflags(write=False)
    return caps
