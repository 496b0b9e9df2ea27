"""The uncertain parameters of a scenario, how they are drawn, and a sample as a scenario.

A parameter is one uncertain number of one party: its reservation, one raw weight, one value
(an option of a discrete issue, or a given point of a numeric issue's curve), or the presence of
one red line. Ranges are drawn uniformly, red lines present with their probability, all
independently. Draws come in deterministic blocks: block ``k`` of seed ``s`` is always drawn from
``numpy.random.SeedSequence(s, spawn_key=(k,))``, so a run split over processes or a Dask
cluster draws exactly the same samples as a run in one process, and the first ``n`` samples of a
longer run are the samples of a run of ``n``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from zopa.model.scenario import FrozenMap, Preferences, Rule, Scenario

__all__ = [
    "BLOCK",
    "Parameter",
    "draw",
    "draw_block",
    "parameters",
    "sampled_scenario",
]

BLOCK = 1000  # samples per deterministic block (part of the definition of the sample stream)

Kind = Literal["reservation", "weight", "value", "red_line"]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Parameter:
    """One uncertain parameter; ``low``/``high`` are the ends of its range.

    For a red line, ``low`` = 0 (absent) and ``high`` = 1 (present), drawn present with
    ``probability``. ``nominal`` is the value written in the scenario (1 for a red line).
    """

    name: str
    party: str
    kind: Kind
    low: float
    high: float
    nominal: float
    issue: str | None = None
    key: str | None = None  # option id / curve point / red-line text
    probability: float | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "parameter": self.name,
            "party": self.party,
            "kind": self.kind,
            "range": [self.low, self.high],
            "nominal": self.nominal,
        }
        if self.probability is not None:
            out["probability"] = self.probability
        return out


def parameters(scenario: Scenario) -> tuple[Parameter, ...]:
    """Every uncertain parameter, in a fixed order (party, then kind, then issue order).

    A red line with probability 1 is certain and one with probability 0 never applies: neither
    is a parameter.
    """
    out: list[Parameter] = []
    issue_order = [i.id for i in scenario.issues]
    for party in scenario.parties:
        prefs = party.preferences
        if prefs is None or prefs.uncertainty is None:
            continue
        u = prefs.uncertainty
        pid = party.id
        if u.reservation is not None:
            out.append(
                Parameter(
                    f"{pid}.reservation", pid, "reservation", *u.reservation, prefs.reservation
                )
            )
        for iid in issue_order:
            if iid in u.weights:
                lo, hi = u.weights[iid]
                out.append(
                    Parameter(
                        f"{pid}.weights.{iid}", pid, "weight", lo, hi, u.raw_weights[iid], iid
                    )
                )
        for iid in issue_order:
            iss = scenario.issue(iid)
            ranges = [v for v in u.values if v.issue == iid]
            if iss.numeric:
                ranges.sort(key=lambda v: v.point or 0.0)
            else:
                ranges.sort(key=lambda v: iss.option_ids.index(v.key))
            for v in ranges:
                nominal = _nominal_value(prefs, scenario, v.issue, v.key, v.point)
                out.append(
                    Parameter(
                        f"{pid}.values.{iid}.{v.key}",
                        pid,
                        "value",
                        v.low,
                        v.high,
                        nominal,
                        iid,
                        v.key,
                    )
                )
        for rule in prefs.red_lines:
            p = u.red_lines.get(rule.text.strip())
            if p is not None and 0.0 < p < 1.0:
                out.append(
                    Parameter(
                        f"{pid}.red_lines[{rule.text.strip()}]",
                        pid,
                        "red_line",
                        0.0,
                        1.0,
                        1.0,
                        key=rule.text.strip(),
                        probability=p,
                    )
                )
    return tuple(out)


def _nominal_value(
    prefs: Preferences, scenario: Scenario, issue: str, key: str, point: float | None
) -> float:
    if point is not None:
        assert prefs.uncertainty is not None
        for x, y in prefs.uncertainty.curves[issue]:
            if abs(x - point) <= 1e-12:
                return y
        raise AssertionError("curve point not found")
    return prefs.values[issue][scenario.issue(issue).option_ids.index(key)]


def draw_block(params: Sequence[Parameter], seed: int, block: int, rows: int) -> FloatArray:
    """Rows ``block*BLOCK .. block*BLOCK+rows`` of the sample stream of ``seed`` (rows x params).

    Ranges are uniform on [low, high]; red lines are 1.0 (present) or 0.0 (absent).
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
    u = rng.random((rows, len(params)))
    if not params:
        return u
    lo = np.array([p.low for p in params])
    hi = np.array([p.high for p in params])
    prob = np.array([p.probability if p.probability is not None else np.nan for p in params])
    red = np.array([p.kind == "red_line" for p in params])
    theta: FloatArray = lo + u * (hi - lo)
    theta[:, red] = (u[:, red] < prob[red]).astype(np.float64)
    return theta


def draw(scenario: Scenario, samples: int, seed: int) -> FloatArray:
    """The first ``samples`` draws of ``seed`` (samples x parameters), as ``robustness`` uses."""
    params = parameters(scenario)
    parts = [
        draw_block(params, seed, b, min(BLOCK, samples - b * BLOCK))
        for b in range((samples + BLOCK - 1) // BLOCK)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, len(params)))


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
    new_w = {p.issue: x for p, x in drawn if p.kind == "weight" and p.issue is not None}
    if new_w:
        raw.update(new_w)
        total = sum(raw.values())
        weights = FrozenMap({i: raw[i] / total for i in raw})
    values = dict(prefs.values)
    changed = {(p.issue, p.key): x for p, x in drawn if p.kind == "value"}
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
    reservation = next((x for p, x in drawn if p.kind == "reservation"), prefs.reservation)
    absent = {p.key for p, x in drawn if p.kind == "red_line" and x < 0.5}
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
