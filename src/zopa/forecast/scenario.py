"""A zopa scenario as forecast input: each party's position on each ordered issue.

Position = the option the party values most (its number on a numeric issue, else its index
0, 1, ... on an ordered issue; ties take the first). Salience = the party's normalised weight
of the issue (0-1, i.e. the weight scaled to 0-100 then divided by 100), capability = its
power. Unordered categorical issues have no scale and are left out, as are parties without
preferences (mediators, observers).
"""

from __future__ import annotations

import numpy as np

from zopa.errors import AnalysisError
from zopa.forecast._types import ForecastInput
from zopa.model import Issue, Scenario

__all__ = ["from_scenario"]


def _scale(issue: Issue) -> list[float]:
    nums = issue.numbers
    if nums is not None and len(nums) == len(issue.options):
        return list(nums)
    return [float(k) for k in range(len(issue.options))]


def from_scenario(scenario: Scenario) -> ForecastInput:
    """Forecast input from a scenario's ordered (or numeric) issues and its parties."""
    issues = [i for i in scenario.issues if i.numeric or i.ordered]
    parties = [p for p in scenario.parties if p.preferences is not None]
    left_out = {
        i.id: "its options are not ordered, so there is no scale to place positions on"
        for i in scenario.issues
        if not (i.numeric or i.ordered)
    }
    left_out |= {
        p.id: f"{p.role} without preferences" for p in scenario.parties if p.preferences is None
    }
    if not issues or not parties:
        raise AnalysisError(
            "the scenario has no ordered or numeric issue with parties that "
            "have preferences; forecasting needs a scale to place them on"
        )
    shape = (len(parties), len(issues))
    pos, sal, cap = (np.full(shape, np.nan) for _ in range(3))
    for a, party in enumerate(parties):
        prefs = party.preferences
        assert prefs is not None  # filtered above
        for j, issue in enumerate(issues):
            values = prefs.values.get(issue.id)
            if not values:
                continue
            pos[a, j] = _scale(issue)[int(np.argmax(values))]
            sal[a, j] = float(prefs.weights.get(issue.id, 0.0))
            cap[a, j] = float(party.power)
    scales = [_scale(i) for i in issues]
    return ForecastInput(
        actors=tuple(p.id for p in parties),
        issues=tuple(i.id for i in issues),
        position=pos,
        salience=sal,
        capability=cap,
        low=np.array([min(s) for s in scales]),
        high=np.array([max(s) for s in scales]),
        outcome=np.full(len(issues), np.nan),
        labels={i.id: i.label for i in issues},
        source=scenario.file or "",
        scales={
            i.id: tuple((v, o.label or o.id) for v, o in zip(_scale(i), i.options, strict=True))
            for i in issues
            if i.ordered and not i.numeric
        },
        units={i.id: i.unit for i in issues if i.unit},
        left_out=left_out,
    )
