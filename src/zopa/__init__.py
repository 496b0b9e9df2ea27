"""zopa: analyse and mediate multi-party, multi-issue negotiations."""

from __future__ import annotations

from zopa.errors import (
    AgentError,
    AnalysisError,
    ConstraintSyntaxError,
    ProtocolError,
    ScenarioError,
    ZopaError,
)

__version__ = "0.1.0"

__all__ = [
    "AgentError",
    "AnalysisError",
    "ConstraintSyntaxError",
    "ProtocolError",
    "ScenarioError",
    "ZopaError",
    "__version__",
]
