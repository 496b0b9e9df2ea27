"""The Graph Model for Conflict Resolution (GMCR): conflicts, stability and equilibria.

Sources: Fang, Hipel & Kilgour (1993) *Interactive Decision Making: The Graph Model for
Conflict Resolution*; Kilgour, Hipel, Fang & Peng (2001) coalition analysis; Li, Hipel,
Kilgour & Fang (2004) and Xu, Kilgour, Hipel & Kemkes (2010) status quo analysis; Xu, Hipel &
Kilgour (2009) matrix representation of solution concepts.
"""

from __future__ import annotations

from zopa.conflict.build import build_conflict
from zopa.conflict.gmcr import conflict_from_gmcr
from zopa.conflict.io import load_conflict
from zopa.conflict.model import Conflict, ConflictOption, DecisionMaker, Direction
from zopa.conflict.reach import (
    CoalitionResult,
    PathStep,
    StatusQuoResult,
    coalition_analysis,
    coalition_improvements,
    status_quo_analysis,
)
from zopa.conflict.stability import CONCEPTS, ConceptStability, StabilityResult, analyze

__all__ = [
    "CONCEPTS",
    "CoalitionResult",
    "ConceptStability",
    "Conflict",
    "ConflictOption",
    "DecisionMaker",
    "Direction",
    "PathStep",
    "StabilityResult",
    "StatusQuoResult",
    "analyze",
    "build_conflict",
    "coalition_analysis",
    "coalition_improvements",
    "conflict_from_gmcr",
    "load_conflict",
    "status_quo_analysis",
]
