"""Server-rendered pages (Jinja2 + htmx, vendored): the mediator's and each delegation's view.

Pages are thin like the API: they read the session, call :mod:`zopa.server.rooms` to change
things and :mod:`zopa.server.disclose` for every answer. A browser signs in with its token on
``/login``; the session id travels in an ``HttpOnly; SameSite=Strict`` cookie and every form
carries the session's CSRF token. Preferences are typed (or pasted) as the YAML ``preferences``
block of a scenario file and read by the same reader and checks as a file.
"""

from __future__ import annotations

import hmac
import json
import secrets
from pathlib import Path
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from zopa.errors import ScenarioError
from zopa.io.files import parse_document
from zopa.server import disclose, rooms
from zopa.server.audit import verify
from zopa.server.auth import COOKIE, end_session, member_by_token, new_session, session_member
from zopa.server.rooms import Caller, RoomError

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
LOGIN_CSRF = "zopa_login_csrf"


def _app(request: Request) -> Any:
    return request.app.state.room_app


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _session(request: Request, room: str) -> tuple[Caller, str]:
    got = session_member(_app(request).db, request.cookies.get(COOKIE))
    if got is None:
        raise HTTPException(303, headers={"Location": "/login"})
    caller, csrf = got
    if caller.room_id != room:
        raise HTTPException(403, "your session belongs to another room")
    return caller, csrf


def _check_csrf(csrf: str, sent: str) -> None:
    if not hmac.compare_digest(csrf.encode(), sent.encode()):
        raise HTTPException(403, "the form's CSRF token does not match your session; reload")


def _render(
    request: Request, name: str, caller: Caller | None, csrf: str, status: int = 200, **ctx: Any
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, name, {"caller": caller, "csrf": csrf, **ctx}, status_code=status
    )


@router.get("/", response_class=HTMLResponse)
def home() -> Response:
    return RedirectResponse("/login", 303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    token = secrets.token_urlsafe(24)
    resp = _render(request, "login.html", None, token, error=None)
    resp.set_cookie(
        LOGIN_CSRF, token, httponly=True, samesite="strict", secure=_secure(request), max_age=3600
    )
    return resp


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    token: Annotated[str, Form(max_length=300)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    app = _app(request)
    _check_csrf(request.cookies.get(LOGIN_CSRF, ""), csrf or "-")
    who = request.client.host if request.client else "?"
    code = token.strip()
    if ":" in code:  # an invite link's fragment: ROOM:TOKEN
        code = code.split(":", 1)[1]
    caller = member_by_token(app.db, code)
    if caller is None:
        if app.limiter.failed(app.db, who):
            raise app.limiter.refuse()
        return _render(request, "login.html", None, csrf, 401, error="That token is not valid.")
    sid, _ = new_session(app.db, caller)
    resp = RedirectResponse(f"/rooms/{caller.room_id}", 303)
    resp.set_cookie(
        COOKIE,
        sid,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        max_age=12 * 3600,
        path="/",
    )
    resp.delete_cookie(LOGIN_CSRF)
    return resp


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    got = session_member(_app(request).db, request.cookies.get(COOKIE))
    if got is not None:
        _check_csrf(got[1], csrf)
        end_session(_app(request).db, request.cookies.get(COOKIE))
    resp = RedirectResponse("/login", 303)
    resp.delete_cookie(COOKIE)
    return resp


def _room_page(request: Request, caller: Caller, csrf: str, **extra: Any) -> HTMLResponse:
    app = _app(request)
    view = disclose.room(app.db, caller)
    if caller.role == "mediator":
        return _render(request, "mediator.html", caller, csrf, room=view, **extra)
    return _render(request, "delegation.html", caller, csrf, room=view, **extra)


@router.get("/rooms/{room}", response_class=HTMLResponse)
def room_page(room: str, request: Request) -> Response:
    caller, csrf = _session(request, room)
    return _room_page(request, caller, csrf)


@router.get("/rooms/{room}/overlap", response_class=HTMLResponse)
def overlap_fragment(room: str, request: Request) -> Response:
    caller, csrf = _session(request, room)
    app = _app(request)
    try:
        got = disclose.overlap(app.db, app.key, caller)
        view = disclose.room(app.db, caller)  # the public skeleton: labels for the package
        return _render(request, "_overlap.html", caller, csrf, overlap=got, room=view, error=None)
    except RoomError as exc:
        return _render(request, "_overlap.html", caller, csrf, overlap=None, error=str(exc))


@router.post("/rooms/{room}/drafts", response_class=HTMLResponse)
async def new_draft(room: str, request: Request) -> Response:
    caller, csrf = _session(request, room)
    form = await request.form()
    _check_csrf(csrf, str(form.get("csrf", "")))
    app = _app(request)
    view = disclose.room(app.db, caller)
    package = {i.id: str(form.get(f"issue.{i.id}", "")) for i in view.issues}
    package = {k: v for k, v in package.items() if v}
    revises = str(form.get("revises", "")) or None
    try:
        got = rooms.add_draft(
            app.db,
            app.key,
            caller,
            str(form.get("label", "")).strip()[:200] or "draft",
            package,
            revises,
        )
    except (ScenarioError, RoomError) as exc:
        return _room_page(request, caller, csrf, draft_error=str(exc))
    return RedirectResponse(f"/rooms/{room}/drafts/{got.id}", 303)


@router.get("/rooms/{room}/drafts/{draft}", response_class=HTMLResponse)
def draft_page(room: str, draft: str, request: Request, error: str | None = None) -> Response:
    caller, csrf = _session(request, room)
    app = _app(request)
    view = disclose.room(app.db, caller)
    try:
        d = disclose.draft(app.db, caller, draft)
    except RoomError as exc:
        raise HTTPException(404, str(exc)) from None
    return _render(request, "draft.html", caller, csrf, room=view, draft=d, error=error)


@router.get("/rooms/{room}/drafts/{draft}/feedback", response_class=HTMLResponse)
def feedback_fragment(
    room: str, draft: str, request: Request, version: int | None = None
) -> Response:
    caller, csrf = _session(request, room)
    app = _app(request)
    try:
        fb = disclose.feedback(app.db, app.key, caller, draft, version)
        return _render(request, "_feedback.html", caller, csrf, fb=fb, error=None)
    except RoomError as exc:
        return _render(request, "_feedback.html", caller, csrf, fb=None, error=str(exc))


@router.get("/rooms/{room}/drafts/{draft}/acceptability", response_class=HTMLResponse)
def acceptability_fragment(room: str, draft: str, request: Request) -> Response:
    caller, csrf = _session(request, room)
    app = _app(request)
    try:
        acc = disclose.acceptability(app.db, app.key, caller, draft)
        return _render(request, "_acceptability.html", caller, csrf, acc=acc, error=None)
    except RoomError as exc:
        return _render(request, "_acceptability.html", caller, csrf, acc=None, error=str(exc))


@router.post("/rooms/{room}/drafts/{draft}/amend", response_class=HTMLResponse)
async def amend(room: str, draft: str, request: Request) -> Response:
    caller, csrf = _session(request, room)
    form = await request.form()
    _check_csrf(csrf, str(form.get("csrf", "")))
    app = _app(request)
    d = disclose.draft(app.db, caller, draft)
    changes = {
        i: str(form.get(f"issue.{i}", ""))
        for i in d.package
        if form.get(f"issue.{i}") and str(form.get(f"issue.{i}")) != d.package[i]
    }
    try:
        base = int(str(form.get("base_version", "0")))
        rooms.propose_amendment(app.db, app.key, caller, draft, changes, base)
    except (ScenarioError, RoomError, ValueError) as exc:
        view = disclose.room(app.db, caller)
        return _render(
            request,
            "draft.html",
            caller,
            csrf,
            409 if isinstance(exc, rooms.Conflict) else 422,
            room=view,
            draft=d,
            error=str(exc),
        )
    return RedirectResponse(f"/rooms/{room}/drafts/{draft}", 303)


@router.post("/rooms/{room}/drafts/{draft}/amendments/{amendment}/{decision}")
async def decide(
    room: str, draft: str, amendment: str, decision: str, request: Request
) -> Response:
    caller, csrf = _session(request, room)
    form = await request.form()
    _check_csrf(csrf, str(form.get("csrf", "")))
    if decision not in ("merge", "reject"):
        raise HTTPException(404)
    app = _app(request)
    try:
        base = int(str(form.get("base_version", "0")))
        rooms.decide_amendment(app.db, app.key, caller, draft, amendment, decision == "merge", base)
    except (ScenarioError, RoomError, ValueError) as exc:
        view = disclose.room(app.db, caller)
        d = disclose.draft(app.db, caller, draft)
        return _render(request, "draft.html", caller, csrf, 409, room=view, draft=d, error=str(exc))
    return RedirectResponse(f"/rooms/{room}/drafts/{draft}", 303)


def _template(view: disclose.RoomOut) -> str:
    """A starting preferences block: every issue weighted 1, every option valued 0.5."""
    block = {
        "weights": {i.id: 1 for i in view.issues},
        "values": {i.id: {o.id: 0.5 for o in i.options} for i in view.issues if not i.numeric},
        "reservation": 0.5,
        "red_lines": [],
    }
    for i in view.issues:
        if i.numeric:
            block["values"][i.id] = {i.options[0].id: 0, i.options[-1].id: 1}  # type: ignore[index]
    return yaml.safe_dump(block, sort_keys=False, allow_unicode=True)


@router.get("/rooms/{room}/preferences", response_class=HTMLResponse)
def preferences_page(room: str, request: Request) -> Response:
    caller, csrf = _session(request, room)
    if caller.role != "delegation":
        raise HTTPException(403, "only a delegation enters preferences")
    app = _app(request)
    view = disclose.room(app.db, caller)
    own = disclose.own_preferences(app.db, app.key, caller)
    text = (
        yaml.safe_dump(own.preferences, sort_keys=False, allow_unicode=True)
        if own.preferences is not None
        else _template(view)
    )
    return _render(
        request,
        "preferences.html",
        caller,
        csrf,
        room=view,
        text=text,
        own=own,
        problems=None,
        saved=request.query_params.get("saved"),
    )


@router.post("/rooms/{room}/preferences", response_class=HTMLResponse)
def save_preferences(
    room: str,
    request: Request,
    text: Annotated[str, Form(max_length=200_000)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    caller, session_csrf = _session(request, room)
    _check_csrf(session_csrf, csrf)
    app = _app(request)
    try:
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError:
            raise ScenarioError(
                "the text holds invalid Unicode (a lone surrogate)", where="preferences"
            ) from None
        doc = parse_document(raw, "preferences.yaml")
        rooms.set_preferences(
            app.db, app.key, caller, doc.data, file="preferences.yaml", locate=doc.locate
        )
    except ScenarioError as exc:
        view = disclose.room(app.db, caller)
        own = disclose.own_preferences(app.db, app.key, caller)
        return _render(
            request,
            "preferences.html",
            caller,
            session_csrf,
            422,
            room=view,
            text=text,
            own=own,
            problems=exc.problems,
            saved=None,
        )
    return RedirectResponse(f"/rooms/{room}/preferences?saved=1", 303)


@router.post("/rooms/{room}/consent")
def consent(
    room: str,
    request: Request,
    acceptability: Annotated[str, Form(max_length=10)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    caller, session_csrf = _session(request, room)
    _check_csrf(session_csrf, csrf)
    rooms.set_consent(_app(request).db, _app(request).key, caller, acceptability == "yes")
    return RedirectResponse(f"/rooms/{room}", 303)


@router.get("/rooms/{room}/audit", response_class=HTMLResponse)
def audit_page(room: str, request: Request) -> Response:
    caller, csrf = _session(request, room)
    app = _app(request)
    try:
        events = disclose.audit_log(app.db, caller)
    except RoomError as exc:
        raise HTTPException(403, str(exc)) from None
    report = verify(app.db, app.key, room)
    return _render(
        request,
        "audit.html",
        caller,
        csrf,
        events=events,
        report=report,
        dumps=lambda d: json.dumps(d, ensure_ascii=False),
    )


@router.get("/rooms/{room}/disclosures", response_class=HTMLResponse)
def disclosures_page(room: str, request: Request) -> Response:
    caller, csrf = _session(request, room)
    items = disclose.disclosures(_app(request).db, caller, _app(request).key)
    return _render(
        request,
        "disclosures.html",
        caller,
        csrf,
        items=items,
        dumps=lambda d: json.dumps(d, ensure_ascii=False),
    )
