"""The scenario file schema (pydantic v2): what a YAML/JSON scenario may contain.

These models check shapes and types; the cross-references (a weight for an unknown issue, a
red line naming an unknown option, a ``revises`` cycle, ...) are checked when the
:class:`~zopa.model.scenario.Scenario` is built, so every message can name the exact place.
``zopa schema`` prints :func:`json_schema`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from zopa.model.distributions import DistributionSpec
from zopa.model.specdata import (
    ID_PATTERN,
    MAX_LABEL,
    MAX_MAGNITUDE,
    MAX_RULE,
    MAX_TEXT,
    RESERVED,
    SURROGATE,
)

__all__ = [
    "ID_PATTERN",
    "MAX_LABEL",
    "MAX_MAGNITUDE",
    "MAX_RULE",
    "MAX_TEXT",
    "DraftSpec",
    "EventSpec",
    "EvidenceSpec",
    "HyperRectangleSpec",
    "IssueSpec",
    "Label",
    "Num",
    "NumericSpec",
    "OptionSpec",
    "PartySpec",
    "PreferencesSpec",
    "Rule",
    "ScenarioSpec",
    "Text",
    "UncertaintySpec",
    "json_schema",
]

_RESERVED = RESERVED

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        max_length=100,
        description="letters, digits, _ and inner - (not a keyword: and, or, not, in, true, false)",
    ),
]


def _bounded(x: float) -> float:
    if abs(x) > MAX_MAGNITUDE:
        raise ValueError(
            f"{x:g} is larger than {MAX_MAGNITUDE:g} in size"
            "||numbers in a scenario lie between -1e15 and 1e15; rescale the unit"
        )
    return x


def _text_check(limit: int, what: str, fix: str) -> Any:
    def check(v: str) -> str:
        if len(v) > limit:
            raise ValueError(
                f"the {what} is {len(v):,} characters long, over the limit of {limit:,}||{fix}"
            )
        bad = SURROGATE.search(v)
        if bad is not None:
            raise ValueError(
                f"the {what} holds a lone surrogate (U+{ord(bad.group()):04X}) at character "
                f"{bad.start() + 1}, which is not a character||save the file as UTF-8 text; an "
                "escape such as \\ud800 in a quoted string is half of a character"
            )
        return v

    return AfterValidator(check)


Label = Annotated[
    str,
    _text_check(MAX_LABEL, "label", f"keep labels and names to {MAX_LABEL} characters"),
]
"""A label, title or name: at most :data:`MAX_LABEL` characters of real Unicode text."""
Text = Annotated[
    str,
    _text_check(MAX_TEXT, "text", f"keep a description or note to {MAX_TEXT:,} characters"),
]
"""A description, note or source: at most :data:`MAX_TEXT` characters."""
Rule = Annotated[
    str,
    _text_check(MAX_RULE, "expression", f"split it into several rules of at most {MAX_RULE:,}"),
]
"""A constraint-language expression: at most :data:`MAX_RULE` characters."""

Num = Annotated[float, AfterValidator(_bounded)]
"""A finite number of ordinary size; never a boolean (the models are strict)."""
Number = float | int
Scalar = Label | int | float
Range = Annotated[
    list[Num],
    Field(min_length=2, max_length=2, description="[low, high]: uniform on the range"),
]


class _Spec(BaseModel):
    # strict: `reservation: true` or `at: "3"` are errors, not 1.0 and 3
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def _check_id(v: str) -> str:
    if v in _RESERVED:
        raise ValueError(f"`{v}` is a keyword of the constraint language||choose another id")
    return v


class OptionSpec(_Spec):
    """One named option of a discrete issue (a plain string is shorthand for ``{id: ...}``)."""

    id: Id
    label: Label | None = None
    description: Text | None = None

    _id = field_validator("id")(_check_id)


class NumericSpec(_Spec):
    """A numeric range that compiles to the options min, min+step, ..., max."""

    min: Num
    max: Num
    step: Num
    unit: Label | None = None

    @model_validator(mode="after")
    def _range(self) -> NumericSpec:
        for k in ("min", "max", "step"):
            if not math.isfinite(getattr(self, k)):
                raise ValueError(f"numeric {k} must be a finite number||write a plain number")
        if self.step <= 0:
            raise ValueError(
                f"step must be > 0 (got {self.step:g})||use a positive step, e.g. (max - min) / 10"
            )
        if self.min >= self.max:
            raise ValueError(
                f"min ({self.min:g}) must be less than max ({self.max:g})"
                "||swap them or widen the range"
            )
        return self


class IssueSpec(_Spec):
    """An issue on the table: discrete ``options`` or a ``numeric`` range, not both."""

    id: Id
    label: Label | None = None
    description: Text | None = None
    options: list[OptionSpec | Id] | None = None
    numeric: NumericSpec | None = None
    ordered: bool | None = Field(
        default=None,
        description="options are in a meaningful order (numeric issues always are)",
    )

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _one_kind(self) -> IssueSpec:
        if (self.options is None) == (self.numeric is None):
            raise ValueError(
                "the issue needs exactly one of `options` or `numeric`"
                "||give `options: [a, b]` or `numeric: {min: .., max: .., step: ..}`"
            )
        if self.options is not None and len(self.options) == 0:
            raise ValueError(
                "the issue has no options||list at least one option, e.g. `options: [yes, no]`"
            )
        return self


class HyperRectangleSpec(_Spec):
    """A non-additive utility term: ``utility`` is added when the package satisfies ``when``.

    GENIUS's constraint (hyper-rectangle) utility spaces, e.g. the ANAC 2014 domains, are sums
    of such terms; ``when`` is a constraint expression, usually a conjunction of ranges.
    """

    when: Rule
    utility: Num


Uncertain = DistributionSpec
"""``[low, high]`` (uniform) or a distribution mapping (see :mod:`zopa.model.distributions`)."""


class UncertaintySpec(_Spec):
    """What the analyst does not know about a party's preferences (``zopa robust`` samples it).

    Every listed parameter is drawn from its distribution (``[low, high]``: uniform),
    independently unless the scenario's ``correlations`` tie some; each listed red line is
    present with its probability (unlisted red lines always are).
    """

    reservation: Uncertain | None = Field(
        default=None, description="[low, high] inside [0, 1], or a distribution"
    )
    weights: dict[Label, Uncertain] = Field(
        default_factory=dict,
        description="issue id -> [low, high] of the raw weight (>= 0), or a distribution",
    )
    values: dict[Label, dict[Scalar, Uncertain]] = Field(
        default_factory=dict,
        description=(
            "issue id -> {option id (or a point given in `values` of a numeric issue) -> "
            "[low, high] inside [0, 1] or a distribution}"
        ),
    )
    red_lines: dict[Rule, Num] = Field(
        default_factory=dict,
        description="red line (as written in `red_lines`) -> probability in [0, 1] that it is real",
    )


class EvidenceSpec(_Spec):
    """What a party has said in public, as a condition on its preferences.

    Exactly one of ``prefers`` (with ``over``), ``rejects`` or ``accepts``, each naming a draft.
    """

    party: Label
    prefers: Label | None = Field(default=None, description="draft id: U(prefers) > U(over)")
    over: Label | None = Field(default=None, description="draft id (with `prefers`)")
    rejects: Label | None = Field(default=None, description="draft id the party does not accept")
    accepts: Label | None = Field(default=None, description="draft id the party accepts")
    confidence: Num | None = Field(
        default=None,
        gt=0,
        le=1,
        description=(
            "how far the report is trusted, in (0, 1]: soft evidence (a sample where it holds "
            "weighs confidence, one where it does not 1 - confidence); absent or 1: hard"
        ),
    )
    source: Text = Field(min_length=1, description="who said it, when, reported where")
    date: Label | None = None
    quote: Text | None = None
    note: Text | None = None


class CorrelationSpec(_Spec):
    """Two uncertain parameters drawn together: a Gaussian copula with correlation ``rho``."""

    between: list[str] = Field(
        min_length=2,
        max_length=2,
        description="two parameter ids as `zopa robust` names them, e.g. russia.reservation",
    )
    rho: Num = Field(gt=-1, lt=1, description="correlation of the copula's normals, in (-1, 1)")


class PreferencesSpec(_Spec):
    """A party's private preferences: salience weights, option values, BATNA, red lines."""

    weights: dict[Label, Num] = Field(description="issue id -> salience (>= 0), normalised")
    values: dict[Label, dict[Scalar, Num]] = Field(
        default_factory=dict,
        description="issue id -> {option id (or number on a numeric issue) -> value in [0, 1]}",
    )
    reservation: Num = Field(default=0.0, description="utility of the walk-away (BATNA), [0, 1]")
    red_lines: list[Rule] = Field(
        default_factory=list, description="expressions every acceptable package must satisfy"
    )
    hyperrectangles: list[HyperRectangleSpec] = Field(
        default_factory=list,
        description="non-additive terms: utility added when `when` holds (GENIUS hyper-rectangles)",
    )
    discount: Num | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="time discount factor per round, kept as metadata (GENIUS discount_factor)",
    )
    cap: Num | None = Field(
        default=None,
        description=(
            "the party's utility of a package is at most this: min(cap, sum of the terms); "
            "GENIUS caps a hyper-rectangle profile's utility at 1 (a package inside boxes "
            "worth more than the profile's maxutility)"
        ),
    )
    uncertainty: UncertaintySpec | None = Field(
        default=None, description="ranges and probabilities for `zopa robust`"
    )


class PartySpec(_Spec):
    """A party at the table (or a mediator / observer who does not gate agreement)."""

    id: Id
    label: Label | None = None
    role: Literal["party", "mediator", "observer"] = "party"
    power: Num = Field(default=1.0, gt=0, description="bargaining power (> 0)")
    preferences: PreferencesSpec | None = None

    _id = field_validator("id")(_check_id)


class DraftSpec(_Spec):
    """A named package (a draft text), possibly revising an earlier draft."""

    id: Id
    label: Label | None = None
    author: Label | None = None
    revises: Label | None = None
    date: Label | None = None
    note: Text | None = None
    package: dict[Label, Scalar]


class EventSpec(_Spec):
    """A scheduled shift of a party's reservation value or weights ("pressure")."""

    at: int = Field(ge=0, description="round at which the event takes effect")
    party: Label
    reservation: Num = Field(default=0.0, description="added to the reservation value")
    weights: dict[Label, Num] = Field(
        default_factory=dict, description="added to the raw weights (then renormalised)"
    )
    note: Text | None = None


class ScenarioSpec(_Spec):
    """A negotiation scenario file."""

    title: Label
    description: Text = ""
    sources: list[Text | dict[str, Any]] = Field(default_factory=list)
    assumptions: Text | list[Text] = ""
    issues: list[IssueSpec] = Field(min_length=1)
    parties: list[PartySpec] = Field(min_length=1)
    constraints: list[Rule] = Field(default_factory=list)
    drafts: list[DraftSpec] = Field(default_factory=list)
    events: list[EventSpec] = Field(default_factory=list)
    evidence: list[EvidenceSpec] = Field(
        default_factory=list, description="public statements that condition `zopa robust`"
    )
    correlations: list[CorrelationSpec] = Field(
        default_factory=list,
        description="rank correlations between uncertain parameters (a Gaussian copula)",
        max_length=10_000,
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files."""
    schema = ScenarioSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "zopa scenario"
    return schema
