"""Robustness: the agreement zone when the preferences are uncertain, given public evidence.

::

    from zopa.robust import robustness
    r = robustness(scenario, samples=10_000, seed=0)     # workers=2, or dask="local:2"
    r.zone.probability, r.zone.ci95                      # P(an agreement zone exists)
    r.drafts["plan-20"].all.probability                  # P(every gating party accepts)
    r.robust_package                                     # the package most often acceptable
    r.sensitivity                                        # tornado data, widest first
    r.to_dict()                                          # the `zopa robust --json` shape

The method is in docs/robustness.md; the scenario keys (``uncertainty``, ``evidence``) in
docs/scenario-format.md.
"""

from __future__ import annotations

from zopa.robust.analysis import (
    MAX_SAMPLES,
    DraftOdds,
    Exclusions,
    Odds,
    PackageOdds,
    RobustAnalysis,
    Sensitivity,
    robustness,
)
from zopa.robust.engine import CANDIDATE_LIMIT, SPACE_LIMIT, SampleAnswers, answers, make_plan
from zopa.robust.params import BLOCK, Parameter, draw, parameters, sampled_scenario

__all__ = [
    "BLOCK",
    "CANDIDATE_LIMIT",
    "MAX_SAMPLES",
    "SPACE_LIMIT",
    "DraftOdds",
    "Exclusions",
    "Odds",
    "PackageOdds",
    "Parameter",
    "RobustAnalysis",
    "SampleAnswers",
    "Sensitivity",
    "answers",
    "draw",
    "make_plan",
    "parameters",
    "robustness",
    "sampled_scenario",
]
