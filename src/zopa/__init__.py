"""zopa: analyse and mediate multi-party, multi-issue negotiations.

The main entry points, re-exported here::

    import zopa
    s = zopa.load_scenario("examples/ukraine-2025.yaml")
    a = zopa.analyze(s)                # agreement zone, frontier, solutions, concessions
    zopa.evaluate(s, "plan-20")        # one draft
    zopa.compare(s, "us-28", "europe") # a revision

Subpackages: :mod:`zopa.model`, :mod:`zopa.io`, :mod:`zopa.analysis`, :mod:`zopa.negotiate`,
:mod:`zopa.forecast`, :mod:`zopa.conflict`.
"""

from __future__ import annotations

from zopa.analysis import Analysis, analyze, compare, evaluate
from zopa.errors import (
    AgentError,
    AnalysisError,
    ConstraintSyntaxError,
    ProtocolError,
    ScenarioError,
    ZopaError,
)
from zopa.io import load_any, load_scenario
from zopa.model import Scenario, build_scenario

__version__ = "0.1.0"

__all__ = [
    "AgentError",
    "Analysis",
    "AnalysisError",
    "ConstraintSyntaxError",
    "ProtocolError",
    "Scenario",
    "ScenarioError",
    "ZopaError",
    "__version__",
    "analyze",
    "build_scenario",
    "compare",
    "evaluate",
    "load_any",
    "load_scenario",
]
