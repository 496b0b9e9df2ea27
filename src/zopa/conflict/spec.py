"""The shapes of conflict files (pydantic, strict): the zopa conflict format and gmcr-py
save files. They are checked first, so every type error names its file, line and key path;
the cross-references (unknown options, statements) are checked when the conflict is built."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from zopa.model.spec import Label, Rule, Text

__all__ = ["ConflictSpec", "GmcrSpec"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class OptionSpec(_Spec):
    id: Label
    label: Label | None = None
    direction: Literal["both", "forward", "backward"] = "both"


class DecisionMakerSpec(_Spec):
    id: Label
    label: Label | None = None
    options: list[Label | OptionSpec] = Field(min_length=1)
    preferences: dict[str, Any]


class ConflictSpec(_Spec):
    """A zopa conflict file (docs/conflict.md)."""

    title: Label | None = None
    description: Text | None = None
    sources: list[Any] | Text | None = None
    decision_makers: list[DecisionMakerSpec] = Field(min_length=1)
    constraints: list[Rule] = Field(default_factory=list)
    status_quo: dict[str, Any] | None = None


class _Loose(BaseModel):
    """gmcr-py writes keys zopa ignores (payoffs, misperceptions, coalitions, ...)."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True, allow_inf_nan=False)


class GmcrOptionSpec(_Loose):
    name: Label | int | None = None
    permittedDirection: Literal["both", "fwd", "forward", "back", "backward"] = "both"


Condition = list[Any] | dict[str, Any]


class GmcrDecisionMakerSpec(_Loose):
    name: Label | int | None = None
    options: list[int]
    preferences: list[Condition] = Field(default_factory=list)
    preferenceRanking: list[int | list[int]] | None = None
    preferenceVector: list[int | list[int]] | None = None


class GmcrSpec(_Loose):
    """A gmcr-py save file (``.gmcr``, JSON)."""

    title: Label | None = None
    options: list[GmcrOptionSpec]
    decisionMakers: list[GmcrDecisionMakerSpec] = Field(min_length=1)
    infeasibles: list[Condition] = Field(default_factory=list)
    useManualPreferenceRanking: bool | None = None
    useManualPreferenceVectors: bool | None = None
