"""Exact analysis of scenarios: agreement zone, Pareto frontier, bargaining solutions, drafts.

The draft functions (:mod:`zopa.analysis.drafts`: ``evaluate``, ``compare``) are imported on
first use (PEP 562), so ``zopa analyze`` does not load them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from zopa.analysis.analyze import ENUMERATION_LIMIT, analyze
from zopa.analysis.pareto import frontier_mask
from zopa.analysis.result import Analysis, Concession, Concessions, Frontier, Point, Zone

if TYPE_CHECKING:
    from zopa.analysis.drafts import Comparison, DraftEvaluation, compare, evaluate

_DRAFTS = frozenset({"Comparison", "DraftEvaluation", "compare", "evaluate"})

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


def __getattr__(name: str) -> Any:
    if name in _DRAFTS:
        value = getattr(importlib.import_module("zopa.analysis.drafts"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'zopa.analysis' has no attribute {name!r}")
