"""The scenario model: frozen, validated data every engine works on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zopa.model.build import build_scenario
from zopa.model.compiled import PRECISION, CompiledScenario, compile_scenario, round_utility
from zopa.model.expr import ExprError, Formula, parse, resolve
from zopa.model.scenario import (
    Draft,
    Event,
    FrozenMap,
    Issue,
    Option,
    Party,
    Preferences,
    Rule,
    Scenario,
)

if TYPE_CHECKING:
    from zopa.model.spec import ScenarioSpec, json_schema

__all__ = [
    "PRECISION",
    "CompiledScenario",
    "Draft",
    "Event",
    "ExprError",
    "Formula",
    "FrozenMap",
    "Issue",
    "Option",
    "Party",
    "Preferences",
    "Rule",
    "Scenario",
    "ScenarioSpec",
    "build_scenario",
    "compile_scenario",
    "json_schema",
    "parse",
    "resolve",
    "round_utility",
]


def __getattr__(name: str) -> Any:
    """The pydantic schema (``ScenarioSpec``, ``json_schema``) is imported on first use."""
    if name in ("ScenarioSpec", "json_schema"):
        from zopa.model import spec

        return getattr(spec, name)
    raise AttributeError(f"module 'zopa.model' has no attribute {name!r}")
