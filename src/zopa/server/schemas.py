"""Every request and response shape of the room, in one module: the OpenAPI document is the
contract (a fuzzer reads it), and routes, pages and the question registry share these types."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator

from zopa.model.spec import ID_PATTERN

__all__ = [
    "AcceptabilityOut",
    "AmendmentIn",
    "AmendmentOut",
    "AuditOut",
    "Comparison",
    "ConflictOut",
    "ConsentIn",
    "DecisionIn",
    "DecisionOut",
    "DisclosureOut",
    "DraftCreatedOut",
    "DraftIn",
    "DraftOut",
    "DraftSummary",
    "EnteredOut",
    "ErrorOut",
    "FeedbackOut",
    "IssueOut",
    "OptionOut",
    "OverlapOut",
    "OwnPreferences",
    "PartyOut",
    "RoomOut",
    "TokenOut",
    "VersionOut",
    "check_text",
]

Scalar = str | int | float
Key = Annotated[str, Field(max_length=100)]


def check_text(v: Any) -> Any:
    """Refuse NUL characters and lone surrogates anywhere in a JSON value (they cannot be
    stored or rendered as UTF-8)."""
    if isinstance(v, str):
        if "\x00" in v:
            raise ValueError("text may not contain NUL characters")
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("text may not contain lone surrogates (invalid Unicode)") from None
    elif isinstance(v, dict):
        for k, x in v.items():
            check_text(k)
            check_text(x)
    elif isinstance(v, list):
        for x in v:
            check_text(x)
    return v


# ------------------------------------------------------------------------ requests


class DraftIn(BaseModel):
    label: str = Field(min_length=1, max_length=200)
    package: dict[Key, Scalar] = Field(max_length=500)
    revises: str | None = Field(default=None, pattern=ID_PATTERN, max_length=100)
    id: str | None = Field(default=None, pattern=ID_PATTERN, max_length=100)

    _text = field_validator("label", "package")(check_text)


class AmendmentIn(BaseModel):
    changes: dict[Key, Scalar] = Field(max_length=500)
    base_version: int = Field(ge=0, le=2**31 - 1)

    _text = field_validator("changes")(check_text)


class DecisionIn(BaseModel):
    base_version: int = Field(ge=0, le=2**31 - 1)


class ConsentIn(BaseModel):
    acceptability: bool


# ------------------------------------------------------------------------ responses


class DraftCreatedOut(BaseModel):
    id: str
    version: int


class DecisionOut(BaseModel):
    """An amendment proposed, merged or rejected: its id and the draft's text version."""

    id: str
    draft: str
    status: str
    version: int


class EnteredOut(BaseModel):
    party: str
    version: int
    round: int
    red_lines_commitment: str


class TokenOut(BaseModel):
    role: str
    party: str | None
    token: str | None  # the new token (shown once), None when revoked


class ErrorOut(BaseModel):
    detail: str


class ConflictOut(BaseModel):
    detail: str
    current_version: int


class OptionOut(BaseModel):
    id: str
    label: str


class IssueOut(BaseModel):
    id: str
    label: str
    description: str
    unit: str | None
    numeric: bool
    options: list[OptionOut]


class PartyOut(BaseModel):
    id: str
    label: str
    role: str
    power: float
    gates: bool


class DraftSummary(BaseModel):
    id: str
    label: str
    author: str | None
    revises: str | None
    version: int
    package: dict[str, str]


class RoomOut(BaseModel):
    room: str
    title: str
    description: str
    role: str
    party: str | None
    issues: list[IssueOut]
    parties: list[PartyOut]
    constraints: list[str]
    drafts: list[DraftSummary]
    readiness: dict[str, bool] | None  # party -> entered (mediator, if the policy says so)
    entered: bool | None  # a delegation: has it entered its preferences
    consent_acceptability: bool | None
    budget: dict[str, int]  # the caller's own budget of answers about others
    rounds: dict[str, int]  # party -> preference round (public: every member sees a new round)
    notices: list[str]  # "Ukraine revised its preferences after answers used them: round 2"


class OwnPreferences(BaseModel):
    party: str
    version: int | None
    preferences: dict[str, Any] | None
    round: int | None = None
    locked: bool | None = None  # an answer to someone else used them: a change opens a round
    rounds_left: int | None = None


class OverlapOut(BaseModel):
    ready: bool
    exists: bool | None
    waiting_for: list[str] | None = None
    zone_size: int | None = None
    zone_size_exact: bool | None = None
    suggestion: dict[str, Any] | None = None
    suggestion_rule: str | None = None
    budget: dict[str, int]


class VersionOut(BaseModel):
    version: int
    package: dict[str, str]
    cause: str
    at: str


class AmendmentOut(BaseModel):
    id: str
    party: str
    base_version: int
    changes: dict[str, Any]
    status: str
    created_at: str
    decided_version: int | None


class DraftOut(DraftSummary):
    versions: list[VersionOut]
    amendments: list[AmendmentOut]


class Comparison(BaseModel):
    against: str
    package_differs: bool
    utility_change: float
    better: bool | None  # None when equal


class FeedbackOut(BaseModel):
    draft: str
    version: int
    party: str
    utility: float
    reservation: float
    margin: float
    acceptable: bool
    red_lines_broken: list[str]
    constraints_violated: list[str]
    compared: list[Comparison]
    words: list[str]


class AcceptabilityOut(BaseModel):
    draft: str
    version: int
    parties: dict[str, bool | None]  # None: the party has not consented (or not entered)
    budget: dict[str, int]


class AuditOut(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    data: dict[str, Any]
    prev_hash: str
    hash: str


class DisclosureOut(BaseModel):
    id: str
    at: str
    asker: str
    kind: str
    question: dict[str, Any]
    answer: dict[str, Any]
    parties: list[str]
    counted: bool
