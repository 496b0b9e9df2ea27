"""The JSON API under ``/api`` (``Authorization: Bearer TOKEN``).

Routes only parse, authenticate and call :mod:`zopa.server.rooms` (changes) or
:mod:`zopa.server.disclose` (views and registered questions). Who may call a route is a FastAPI
dependency (:data:`Member`, :data:`Mediator`, :data:`Delegation`), which also checks that the
token belongs to the room in the path. 401 without a valid token, 403 for the wrong role or
room, 404 for unknown things, 409 for a stale version or locked preferences, 422 for invalid
input (with the scenario reader's messages), 428 when a replacement does not name the version it
replaces, 429 when the asker's disclosure budget is spent or after too many failed sign-ins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Path, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from zopa.model.spec import ID_PATTERN
from zopa.server import disclose, rooms
from zopa.server.auth import current_member
from zopa.server.rooms import Caller
from zopa.server.safejson import SafeJSON
from zopa.server.schemas import (
    AcceptabilityOut,
    AmendmentIn,
    AuditOut,
    ConflictOut,
    ConsentIn,
    DecisionIn,
    DecisionOut,
    DisclosureOut,
    DraftCreatedOut,
    DraftIn,
    DraftOut,
    DraftSummary,
    EnteredOut,
    ErrorOut,
    FeedbackOut,
    OverlapOut,
    OwnPreferences,
    RoomOut,
    TokenOut,
    check_text,
)
from zopa.server.view import Slow, quick

__all__ = ["router"]

T = TypeVar("T")

router = APIRouter(prefix="/api")

ROOM = r"^[A-Za-z0-9_-]{1,32}$"
REF = r"^[A-Za-z0-9_-]{1,24}$"
RoomId = Annotated[str, Path(pattern=ROOM, description="the room id")]
DraftId = Annotated[str, Path(pattern=ID_PATTERN, max_length=100, description="a draft id")]
AmendmentId = Annotated[str, Path(pattern=REF, description="an amendment id")]


async def member(room: RoomId, caller: Annotated[Caller, Depends(current_member)]) -> Caller:
    """Dependency: a member of the room in the path (403 for another room's token). The role
    checks are ``async``: they run on the event loop, not as a hop through the thread pool."""
    if caller.room_id != room:
        raise HTTPException(403, "your token belongs to another room")
    return caller


async def mediator(caller: Annotated[Caller, Depends(member)]) -> Caller:
    if caller.role != "mediator":
        raise HTTPException(403, "only the mediator may do this")
    return caller


async def delegation(caller: Annotated[Caller, Depends(member)]) -> Caller:
    if caller.role != "delegation":
        raise HTTPException(403, "only a delegation may do this")
    return caller


Member = Annotated[Caller, Depends(member)]
Mediator = Annotated[Caller, Depends(mediator)]
Delegation = Annotated[Caller, Depends(delegation)]

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no valid token"},
    403: {"model": ErrorOut, "description": "the caller's role may not do this"},
    404: {"model": ErrorOut, "description": "unknown room, draft or amendment"},
}
_STALE: dict[int | str, dict[str, Any]] = {
    409: {"model": ConflictOut, "description": "stale base_version"}
}


def _app(request: Request) -> Any:
    return request.app.state.room_app


def _json(out: BaseModel | list[Any]) -> Response:
    """The route's answer as the response itself: FastAPI would validate the model against its
    response model again before serialising it (the OpenAPI schema still names the model)."""
    if isinstance(out, list):
        return SafeJSON([x.model_dump(mode="json") for x in out])
    return SafeJSON(out.model_dump(mode="json"))


async def _on_loop(fn: Callable[..., T], *args: Any) -> T:
    """Run a read on the event loop, with no thread hop, when it answers from the room's view
    the caller's authentication read (and at most one statement more, on PostgreSQL); in a
    worker thread when it needs more (:class:`zopa.server.view.Slow`: a read transaction on
    PostgreSQL, a new answer to compute, a write)."""
    try:
        with quick():
            return fn(*args)
    except Slow:
        return await run_in_threadpool(fn, *args)


@router.get("/rooms/{room}", response_model=RoomOut, responses=_ERRORS)
async def get_room(caller: Member, request: Request) -> Response:
    """The public skeleton of the room (issues, options, parties, drafts), your role, your
    budget, and each delegation's preference round (public)."""
    return _json(await _on_loop(disclose.room, _app(request).db, caller))


@router.get("/rooms/{room}/policy", responses=_ERRORS)
def get_policy(caller: Member, request: Request) -> dict[str, Any]:
    """The room's disclosure policy (public inside the room)."""
    return disclose.policy(_app(request).db, caller)


@router.get("/rooms/{room}/preferences", response_model=OwnPreferences, responses=_ERRORS)
def get_preferences(caller: Delegation, request: Request) -> OwnPreferences:
    """Your own preferences (a delegation), as you entered them, with their version (send it
    back in `If-Match` when you replace them), round and lock."""
    a = _app(request)
    return disclose.own_preferences(a.db, a.key, caller)


def _if_match(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip().removeprefix("W/").strip('"').strip()
    if not text.isdigit() or len(text) > 10:
        raise HTTPException(422, 'If-Match names the preferences version you read, e.g. "3"')
    return int(text)


@router.put(
    "/rooms/{room}/preferences",
    response_model=EnteredOut,
    responses={
        **_ERRORS,
        409: {"model": ConflictOut, "description": "stale If-Match, or preferences locked"},
        422: {"description": "the block is not valid preferences"},
        428: {"model": ErrorOut, "description": "replacing without If-Match"},
    },
)
def put_preferences(
    caller: Delegation,
    request: Request,
    block: Annotated[dict[str, Any], Body(description="the `preferences` block of a scenario")],
    if_match: Annotated[str | None, Header(max_length=40)] = None,
) -> EnteredOut:
    """Enter or replace your preferences (a delegation): the `preferences` block of a
    scenario file, validated exactly as the file would be, stored sealed. Replacing needs
    `If-Match: "N"` naming the version you read (409 when stale). Once an answer to someone
    else has used them they are locked: replacing them opens a new round, which every member
    sees, up to the policy's `rounds`."""
    try:
        check_text(block)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    a = _app(request)
    replaces = _if_match(if_match)
    if replaces is None and disclose.own_preferences(a.db, a.key, caller).version is not None:
        raise rooms.PreconditionRequired(
            'you are replacing your preferences: send `If-Match: "N"` with the version you '
            "read (GET .../preferences)"
        )
    got = rooms.set_preferences(a.db, a.key, caller, block, file="<preferences>", replaces=replaces)
    assert caller.party_id is not None
    return EnteredOut(
        party=caller.party_id,
        version=got.version,
        round=got.round,
        red_lines_commitment=got.red_lines_commitment,
    )


@router.put("/rooms/{room}/consent", responses=_ERRORS)
def put_consent(caller: Delegation, request: Request, body: ConsentIn) -> dict[str, bool]:
    """Allow (or stop) the mediator learning whether you accept each draft. A withdrawal is
    atomic: no answer that used your data is given after it commits."""
    a = _app(request)
    rooms.set_consent(a.db, a.key, caller, body.acceptability)
    return {"acceptability": body.acceptability}


@router.get(
    "/rooms/{room}/overlap",
    response_model=OverlapOut,
    responses={**_ERRORS, 429: {"model": ErrorOut, "description": "budget spent"}},
)
async def get_overlap(caller: Member, request: Request) -> Response:
    """Is there an agreement zone? What the policy allows (`ready` is false until every gating
    delegation has entered preferences)."""
    a = _app(request)
    return _json(await _on_loop(disclose.overlap, a.db, a.key, caller))


@router.get("/rooms/{room}/drafts", response_model=list[DraftSummary], responses=_ERRORS)
async def get_drafts(caller: Member, request: Request) -> Response:
    """Every draft of the single negotiating text, with its current version."""
    return _json(await _on_loop(disclose.drafts, _app(request).db, caller))


@router.post(
    "/rooms/{room}/drafts",
    response_model=DraftCreatedOut,
    status_code=201,
    responses={**_ERRORS, 422: {"description": "invalid draft"}},
)
def post_draft(caller: Mediator, request: Request, body: DraftIn) -> DraftCreatedOut:
    """Circulate a draft (the mediator); `revises` names the draft it revises, whose options it
    keeps where the package is silent."""
    a = _app(request)
    got = rooms.add_draft(a.db, a.key, caller, body.label, body.package, body.revises, body.id)
    return DraftCreatedOut(id=got.id, version=got.version)


@router.get("/rooms/{room}/drafts/{draft}", response_model=DraftOut, responses=_ERRORS)
def get_draft(draft: DraftId, caller: Member, request: Request) -> DraftOut:
    """One draft with its text versions and amendments (a delegation sees its own)."""
    return disclose.draft(_app(request).db, caller, draft)


@router.post(
    "/rooms/{room}/drafts/{draft}/amendments",
    response_model=DecisionOut,
    status_code=201,
    responses={**_ERRORS, **_STALE},
)
async def post_amendment(
    draft: DraftId, caller: Delegation, request: Request, body: AmendmentIn
) -> DecisionOut:
    """Propose changes to a draft against the text version you read (a delegation). A
    proposal makes no new version: no one else can tell it was made."""
    a = _app(request)
    got = await _on_loop(
        rooms.propose_amendment, a.db, a.key, caller, draft, body.changes, body.base_version
    )
    return DecisionOut(**got.to_dict())


def _decide(
    draft: str, amendment: str, caller: Caller, request: Request, body: DecisionIn, m: bool
) -> DecisionOut:
    a = _app(request)
    got = rooms.decide_amendment(a.db, a.key, caller, draft, amendment, m, body.base_version)
    return DecisionOut(**got.to_dict())


@router.post(
    "/rooms/{room}/drafts/{draft}/amendments/{amendment}/merge",
    response_model=DecisionOut,
    responses={**_ERRORS, **_STALE},
)
def merge_amendment(
    draft: DraftId, amendment: AmendmentId, caller: Mediator, request: Request, body: DecisionIn
) -> DecisionOut:
    """Merge an amendment into the draft (the mediator): a new text version."""
    return _decide(draft, amendment, caller, request, body, True)


@router.post(
    "/rooms/{room}/drafts/{draft}/amendments/{amendment}/reject",
    response_model=DecisionOut,
    responses={**_ERRORS, **_STALE},
)
def reject_amendment(
    draft: DraftId, amendment: AmendmentId, caller: Mediator, request: Request, body: DecisionIn
) -> DecisionOut:
    """Reject an amendment (the mediator); the text and its version stay."""
    return _decide(draft, amendment, caller, request, body, False)


@router.get(
    "/rooms/{room}/drafts/{draft}/feedback",
    response_model=FeedbackOut,
    responses={**_ERRORS, 409: {"model": ErrorOut, "description": "no preferences yet"}},
)
async def get_feedback(
    draft: DraftId,
    caller: Delegation,
    request: Request,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """What a draft version means for you (a delegation): your utility, whether you accept
    it, which of your red lines it breaks, how it compares with earlier texts."""
    a = _app(request)
    return _json(await _on_loop(disclose.feedback, a.db, a.key, caller, draft, version))


@router.get(
    "/rooms/{room}/drafts/{draft}/acceptability",
    response_model=AcceptabilityOut,
    responses={**_ERRORS, 429: {"model": ErrorOut, "description": "budget spent"}},
)
def get_acceptability(draft: DraftId, caller: Mediator, request: Request) -> AcceptabilityOut:
    """Which consenting parties accept the draft's current version (the mediator)."""
    a = _app(request)
    return disclose.acceptability(a.db, a.key, caller, draft)


@router.get("/rooms/{room}/audit", response_model=list[AuditOut], responses=_ERRORS)
def get_audit(
    caller: Mediator,
    request: Request,
    after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[AuditOut]:
    """The room's keyed, chained events (the mediator); a delegation's own questions are
    left out."""
    return disclose.audit_log(_app(request).db, caller, limit, after)


@router.get("/rooms/{room}/disclosures", response_model=list[DisclosureOut], responses=_ERRORS)
def get_disclosures(caller: Member, request: Request) -> list[DisclosureOut]:
    """Every answer derived from your private input: who asked, and what was said."""
    a = _app(request)
    return disclose.disclosures(a.db, caller, a.key)


Party = Annotated[str, Path(pattern=ID_PATTERN, max_length=100, description="a party id")]


@router.post("/rooms/{room}/tokens/mine/rotate", response_model=TokenOut, responses=_ERRORS)
def rotate_mine(caller: Member, request: Request) -> TokenOut:
    """A new token for yourself (shown once); the old one and its sessions stop at once."""
    a = _app(request)
    token = rooms.rotate_token(a.db, a.key, caller, caller.party_id)
    return TokenOut(role=caller.role, party=caller.party_id, token=token)


@router.post("/rooms/{room}/tokens/{party}/rotate", response_model=TokenOut, responses=_ERRORS)
def rotate_party(party: Party, caller: Mediator, request: Request) -> TokenOut:
    """A new token for a delegation (the mediator): hand it over out of band."""
    a = _app(request)
    token = rooms.rotate_token(a.db, a.key, caller, party)
    return TokenOut(role="delegation", party=party, token=token)


@router.post("/rooms/{room}/tokens/{party}/revoke", response_model=TokenOut, responses=_ERRORS)
def revoke_party(party: Party, caller: Mediator, request: Request) -> TokenOut:
    """Stop a delegation's token and sessions (the mediator) until it is rotated."""
    a = _app(request)
    rooms.revoke_token(a.db, a.key, caller, party)
    return TokenOut(role="delegation", party=party, token=None)
