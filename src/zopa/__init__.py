"""zopa: analyse and mediate multi-party, multi-issue negotiations.

The main entry points, re-exported here::

    import zopa
    s = zopa.load_scenario("examples/ukraine-2025.yaml")
    a = zopa.analyze(s)                # agreement zone, frontier, solutions, concessions
    zopa.evaluate(s, "plan-20")        # one draft
    zopa.compare(s, "us-28", "europe") # a revision

Subpackages: :mod:`zopa.model`, :mod:`zopa.io`, :mod:`zopa.analysis`, :mod:`zopa.negotiate`,
:mod:`zopa.forecast`, :mod:`zopa.conflict`.

The re-exports are imported lazily (PEP 562), on first attribute access, so that
``import zopa.cli`` (and ``zopa --help``) does not pay for NumPy, pydantic and the engines.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zopa.analysis import Analysis, analyze, compare, evaluate
    from zopa.errors import (
        AgentError,
        AnalysisError,
        ConstraintSyntaxError,
        ProtocolError,
        ScenarioError,
        ZopaError,
    )
    from zopa.io import dump_scenario, load_any, load_scenario, write_scenario
    from zopa.model import Scenario, build_scenario

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    "Analysis": "zopa.analysis",
    "analyze": "zopa.analysis",
    "compare": "zopa.analysis",
    "evaluate": "zopa.analysis",
    "AgentError": "zopa.errors",
    "AnalysisError": "zopa.errors",
    "ConstraintSyntaxError": "zopa.errors",
    "ProtocolError": "zopa.errors",
    "ScenarioError": "zopa.errors",
    "ZopaError": "zopa.errors",
    "dump_scenario": "zopa.io",
    "load_any": "zopa.io",
    "load_scenario": "zopa.io",
    "Scenario": "zopa.model",
    "build_scenario": "zopa.model",
    "write_scenario": "zopa.io",
}

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
    "dump_scenario",
    "evaluate",
    "load_any",
    "load_scenario",
    "write_scenario",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'zopa' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
