"""Exact analysis of scenarios: agreement zone, Pareto frontier, bargaining solutions, drafts."""

from __future__ import annotations

from zopa.analysis.analyze import ENUMERATION_LIMIT, analyze
from zopa.analysis.drafts import Comparison, DraftEvaluation, compare, evaluate
from zopa.analysis.pareto import frontier_mask
from zopa.analysis.result import Analysis, Concession, Concessions, Frontier, Point, Zone

__all__ = [
    "ENUMERATION_LIMIT",
    "Analysis",
    "Comparison",
    "Concession",
    "Concessions",
    "DraftEvaluation",
    "Frontier",
    "Point",
    "Zone",
    "analyze",
    "compare",
    "evaluate",
    "frontier_mask",
]
