"""The JSON API under ``/api`` (``Authorization: Bearer TOKEN``).

Routes only parse, authenticate and call :mod:`zopa.server.rooms` (changes) or
:mod:`zopa.server.disclose` (answers). 401 without a valid token, 403 for the wrong role,
404 for unknown things, 409 for a stale version, 422 for invalid input (with the scenario
reader's messages), 429 when the disclosure budget is spent or after too many failed logins.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field, field_validator

from zopa.model.spec import ID_PATTERN
from zopa.server import disclose, rooms
from zopa.server.auth import current_member
from zopa.server.rooms import Caller

__all__ = ["router"]

router = APIRouter(prefix="/api")

ROOM = r"^[A-Za-z0-9_-]{1,32}$"
RoomId = Annotated[str, Path(pattern=ROOM, description="the room id")]
DraftId = Annotated[str, Path(pattern=ID_PATTERN, max_length=100, description="a draft id")]
Scalar = str | int | float
Member = Annotated[Caller, Depends(current_member)]


def _no_nul(v: str) -> str:
    if "\x00" in v:
        raise ValueError("text may not contain NUL characters")
    return v


class DraftIn(BaseModel):
    label: str = Field(min_length=1, max_length=200)
    package: dict[Annotated[str, Field(max_length=100)], Scalar] = Field(max_length=500)
    revises: str | None = Field(default=None, pattern=ID_PATTERN, max_length=100)
    id: str | None = Field(default=None, pattern=ID_PATTERN, max_length=100)

    _label = field_validator("label")(_no_nul)


class DraftCreatedOut(BaseModel):
    id: str
    version: int


class AmendmentIn(BaseModel):
    changes: dict[Annotated[str, Field(max_length=100)], Scalar] = Field(max_length=500)
    base_version: int = Field(ge=0, le=2**31 - 1)


class DecisionIn(BaseModel):
    base_version: int = Field(ge=0, le=2**31 - 1)


class AmendmentOut(BaseModel):
    id: int
    draft: str
    status: str
    version: int


class ConsentIn(BaseModel):
    acceptability: bool


class EnteredOut(BaseModel):
    party: str
    version: int
    red_lines_commitment: str


class ErrorOut(BaseModel):
    detail: str


class ConflictOut(BaseModel):
    detail: str
    current_version: int


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no valid token"},
    403: {"model": ErrorOut, "description": "the caller's role may not do this"},
    404: {"model": ErrorOut, "description": "unknown room, draft or amendment"},
}


def _room(caller: Caller, room: str) -> None:
    if caller.room_id != room:
        raise HTTPException(403, "your token belongs to another room")


def _app(request: Request) -> Any:
    return request.app.state.room_app


@router.get("/rooms/{room}", response_model=disclose.RoomOut, responses=_ERRORS)
def get_room(room: RoomId, caller: Member, request: Request) -> disclose.RoomOut:
    """The public skeleton of the room (issues, options, parties, drafts) and your role."""
    _room(caller, room)
    return disclose.room(_app(request).db, caller)


@router.get("/rooms/{room}/policy", responses=_ERRORS)
def get_policy(room: RoomId, caller: Member, request: Request) -> dict[str, Any]:
    """The room's disclosure policy (public inside the room)."""
    _room(caller, room)
    return disclose.policy(_app(request).db, caller)


@router.get("/rooms/{room}/preferences", response_model=disclose.OwnPreferences, responses=_ERRORS)
def get_preferences(room: RoomId, caller: Member, request: Request) -> disclose.OwnPreferences:
    """Your own preferences (a delegation), as you entered them."""
    _room(caller, room)
    a = _app(request)
    return disclose.own_preferences(a.db, a.key, caller)


@router.put(
    "/rooms/{room}/preferences",
    response_model=EnteredOut,
    responses={**_ERRORS, 422: {"description": "the block is not valid preferences"}},
)
def put_preferences(
    room: RoomId,
    caller: Member,
    request: Request,
    block: Annotated[dict[str, Any], Body(description="the `preferences` block of a scenario")],
) -> EnteredOut:
    """Enter or replace your preferences (a delegation): the `preferences` block of a
    scenario file, validated exactly as the file would be. Stored encrypted."""
    _room(caller, room)
    a = _app(request)
    got = rooms.set_preferences(a.db, a.key, caller, block, file="<preferences>")
    assert caller.party_id is not None
    return EnteredOut(
        party=caller.party_id, version=got.version, red_lines_commitment=got.red_lines_commitment
    )


@router.put("/rooms/{room}/consent", responses=_ERRORS)
def put_consent(room: RoomId, caller: Member, request: Request, body: ConsentIn) -> dict[str, bool]:
    """Allow (or stop) the mediator learning whether you accept each draft."""
    _room(caller, room)
    rooms.set_consent(_app(request).db, caller, body.acceptability)
    return {"acceptability": body.acceptability}


@router.get(
    "/rooms/{room}/overlap",
    response_model=disclose.OverlapOut,
    responses={**_ERRORS, 429: {"model": ErrorOut, "description": "budget spent"}},
)
def get_overlap(room: RoomId, caller: Member, request: Request) -> disclose.OverlapOut:
    """Is there an agreement zone? What the policy allows (`ready` is false until every gating
    delegation has entered preferences)."""
    _room(caller, room)
    a = _app(request)
    return disclose.overlap(a.db, a.key, caller)


@router.get("/rooms/{room}/drafts", response_model=list[disclose.DraftSummary], responses=_ERRORS)
def get_drafts(room: RoomId, caller: Member, request: Request) -> list[disclose.DraftSummary]:
    """Every draft of the single negotiating text, with its current version."""
    _room(caller, room)
    return disclose.drafts(_app(request).db, caller)


@router.post(
    "/rooms/{room}/drafts",
    response_model=DraftCreatedOut,
    status_code=201,
    responses={**_ERRORS, 422: {"description": "invalid draft"}},
)
def post_draft(room: RoomId, caller: Member, request: Request, body: DraftIn) -> DraftCreatedOut:
    """Circulate a draft (the mediator); `revises` names the draft it revises, whose options it
    keeps where the package is silent."""
    _room(caller, room)
    got = rooms.add_draft(_app(request).db, caller, body.label, body.package, body.revises, body.id)
    return DraftCreatedOut(id=got.id, version=got.version)


@router.get("/rooms/{room}/drafts/{draft}", response_model=disclose.DraftOut, responses=_ERRORS)
def get_draft(room: RoomId, draft: DraftId, caller: Member, request: Request) -> disclose.DraftOut:
    """One draft with its versions and amendments (a delegation sees its own amendments)."""
    _room(caller, room)
    return disclose.draft(_app(request).db, caller, draft)


@router.post(
    "/rooms/{room}/drafts/{draft}/amendments",
    response_model=AmendmentOut,
    status_code=201,
    responses={**_ERRORS, 409: {"model": ConflictOut, "description": "stale base_version"}},
)
def post_amendment(
    room: RoomId, draft: DraftId, caller: Member, request: Request, body: AmendmentIn
) -> AmendmentOut:
    """Propose changes to a draft against the version you read (a delegation)."""
    _room(caller, room)
    got = rooms.propose_amendment(_app(request).db, caller, draft, body.changes, body.base_version)
    return AmendmentOut(**got.to_dict())


def _decide(
    room: str,
    draft: str,
    amendment: int,
    caller: Caller,
    request: Request,
    body: DecisionIn,
    m: bool,
) -> AmendmentOut:
    _room(caller, room)
    got = rooms.decide_amendment(_app(request).db, caller, draft, amendment, m, body.base_version)
    return AmendmentOut(**got.to_dict())


AmendmentId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post(
    "/rooms/{room}/drafts/{draft}/amendments/{amendment}/merge",
    response_model=AmendmentOut,
    responses={**_ERRORS, 409: {"model": ConflictOut, "description": "stale base_version"}},
)
def merge_amendment(
    room: RoomId,
    draft: DraftId,
    amendment: AmendmentId,
    caller: Member,
    request: Request,
    body: DecisionIn,
) -> AmendmentOut:
    """Merge an amendment into the draft (the mediator): a new version."""
    return _decide(room, draft, amendment, caller, request, body, True)


@router.post(
    "/rooms/{room}/drafts/{draft}/amendments/{amendment}/reject",
    response_model=AmendmentOut,
    responses={**_ERRORS, 409: {"model": ConflictOut, "description": "stale base_version"}},
)
def reject_amendment(
    room: RoomId,
    draft: DraftId,
    amendment: AmendmentId,
    caller: Member,
    request: Request,
    body: DecisionIn,
) -> AmendmentOut:
    """Reject an amendment (the mediator)."""
    return _decide(room, draft, amendment, caller, request, body, False)


@router.get(
    "/rooms/{room}/drafts/{draft}/feedback",
    response_model=disclose.FeedbackOut,
    responses={**_ERRORS, 409: {"model": ErrorOut, "description": "no preferences yet"}},
)
def get_feedback(
    room: RoomId,
    draft: DraftId,
    caller: Member,
    request: Request,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> disclose.FeedbackOut:
    """What a draft version means for you (a delegation): your utility, whether you accept
    it, which of your red lines it breaks, how it compares with earlier texts."""
    _room(caller, room)
    a = _app(request)
    return disclose.feedback(a.db, a.key, caller, draft, version)


@router.get(
    "/rooms/{room}/drafts/{draft}/acceptability",
    response_model=disclose.AcceptabilityOut,
    responses={**_ERRORS, 429: {"model": ErrorOut, "description": "budget spent"}},
)
def get_acceptability(
    room: RoomId, draft: DraftId, caller: Member, request: Request
) -> disclose.AcceptabilityOut:
    """Which consenting parties accept the draft's current version (the mediator)."""
    _room(caller, room)
    a = _app(request)
    return disclose.acceptability(a.db, a.key, caller, draft)


@router.get("/rooms/{room}/audit", response_model=list[disclose.AuditOut], responses=_ERRORS)
def get_audit(
    room: RoomId,
    caller: Member,
    request: Request,
    after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[disclose.AuditOut]:
    """The room's hash-chained audit events (the mediator)."""
    _room(caller, room)
    return disclose.audit_log(_app(request).db, caller, limit, after)


@router.get(
    "/rooms/{room}/disclosures", response_model=list[disclose.DisclosureOut], responses=_ERRORS
)
def get_disclosures(room: RoomId, caller: Member, request: Request) -> list[disclose.DisclosureOut]:
    """Every answer derived from your private input: who asked, and what was said."""
    _room(caller, room)
    return disclose.disclosures(_app(request).db, caller)
