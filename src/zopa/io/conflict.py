"""Conflict files: the zopa conflict format (YAML or JSON) and gmcr-py save files (``.gmcr``).

Their shapes (pydantic, strict) are checked first, through :func:`zopa.io.validate.validate`,
so every type error names its file, line and key path; the cross-references (unknown options,
statements, conditions) are checked when :mod:`zopa.conflict` builds the conflict.
:func:`read_conflict` reads the bytes like every other input (size limit, UTF-8, duplicate
keys, alias bombs, nesting, non-finite numbers) and tells which of the two formats it holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from zopa.errors import Locator
from zopa.io.files import Document, parse_document, read_bytes
from zopa.io.validate import validate
from zopa.model.spec import Label, Rule, Text
from zopa.records import frozen

__all__ = [
    "ConflictDocument",
    "ConflictSpec",
    "GmcrSpec",
    "check_conflict",
    "check_gmcr",
    "read_conflict",
]


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


_CONFLICT_HINT = "start with 'title:' and 'decision_makers:' (see docs/conflict.md)"


def check_conflict(data: object, *, file: str | None, locate: Locator | None = None) -> None:
    """Check ``data`` against :class:`ConflictSpec`; every problem in one ScenarioError."""
    validate(
        ConflictSpec,
        data,
        file=file,
        locate=locate,
        docs="docs/conflict.md",
        what="conflict file",
        hint=_CONFLICT_HINT,
    )


def check_gmcr(data: object, *, file: str | None, locate: Locator | None = None) -> None:
    """Check ``data`` against :class:`GmcrSpec`; every problem in one ScenarioError."""
    validate(
        GmcrSpec,
        data,
        file=file,
        locate=locate,
        docs="docs/conflict.md",
        what="gmcr-py save file",
        hint="a gmcr-py save file holds a JSON object with options and decisionMakers",
    )


@frozen
class ConflictDocument:
    """A conflict file read and parsed: ``kind`` is ``"zopa"`` or ``"gmcr"``."""

    kind: Literal["zopa", "gmcr"]
    doc: Document


def read_conflict(path: str | Path) -> ConflictDocument:
    """Read a conflict file: ``.gmcr`` (gmcr-py), ``.json``, ``.yaml`` or ``.yml``.

    A JSON file with a top-level ``decisionMakers`` key is a gmcr-py save file.
    """
    p = Path(path)
    doc = parse_document(
        read_bytes(p, what="conflict file"),
        str(path),
        json_only=p.suffix.lower() in (".json", ".gmcr"),
    )
    data = doc.data
    gmcr = p.suffix.lower() == ".gmcr" or (isinstance(data, dict) and "decisionMakers" in data)
    return ConflictDocument("gmcr" if gmcr else "zopa", doc)
