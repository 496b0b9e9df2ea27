"""Server-rendered pages (Jinja2 + htmx, vendored): the mediator's and each delegation's view.

Pages are thin like the API: they read the session, call :mod:`zopa.server.rooms` to change
things and :mod:`zopa.server.disclose` for every answer. A browser signs in with its token on
``/login``; the session id travels in an ``HttpOnly; SameSite=Strict`` cookie and every form
carries the session's CSRF token. A delegation's preferences pages live in
:mod:`zopa.server.preference_pages`; errors are pages with the API's status
(:func:`zopa.server.page_base.html_errors`).
"""

from __future__ import annotations

import re
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from zopa.errors import ScenarioError
from zopa.server import charts, disclose, preference_pages, rooms
from zopa.server.audit import verify
from zopa.server.auth import COOKIE, end_session, member_by_token, new_session, session_member
from zopa.server.page_base import app_of as _app
from zopa.server.page_base import check_csrf as _check_csrf
from zopa.server.page_base import html_errors, public_scenario, templates
from zopa.server.page_base import render as _render
from zopa.server.page_base import session as _session
from zopa.server.rooms import Caller, RoomError

__all__ = ["html_errors", "router", "templates"]

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "zopa_login_csrf"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


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


def _drafts_by_id(view: disclose.RoomOut) -> dict[str, str]:
    return {d.id: d.label for d in view.drafts}


def _room_page(
    request: Request, caller: Caller, csrf: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    app = _app(request)
    view = disclose.room(app.db, caller)
    sc = public_scenario(request, caller.room_id)
    names = _drafts_by_id(view)
    if caller.role == "mediator":
        revises = extra.pop("revises", None) or request.query_params.get("revises") or ""
        base = next((d.package for d in view.drafts if d.id == revises), {})
        typed = extra.pop("typed", None) or {f"issue.{k}": v for k, v in base.items()}
        full = [disclose.draft(app.db, caller, d.id) for d in view.drafts]
        extra.setdefault("accepts", _known_acceptability(app, caller, view))
        return _render(
            request,
            "mediator.html",
            caller,
            csrf,
            status,
            room=view,
            sc=sc,
            names=names,
            revises=revises,
            typed=typed,
            charts=charts.mediator_charts(full),
            **extra,
        )
    standings = []
    if view.entered:
        standings = _standings(request, caller, view)
    return _render(
        request,
        "delegation.html",
        caller,
        csrf,
        status,
        room=view,
        sc=sc,
        names=names,
        standings=standings,
        charts=charts.delegation_charts(sc, standings),
        **extra,
    )


def _known_acceptability(
    app: Any, caller: Caller, view: disclose.RoomOut
) -> dict[str, dict[str, bool]]:
    """For each draft, who accepts its current version, where the mediator already asked (the
    answers it was given: reading them again discloses nothing new)."""
    current = {d.id: d.version for d in view.drafts}
    out: dict[str, dict[str, bool]] = {}
    for d in disclose.disclosures(app.db, caller, app.key):
        q = d.question
        if d.kind == "acceptability" and current.get(str(q.get("draft"))) == q.get("version"):
            out[str(q["draft"])] = dict(d.answer.get("parties") or {})
    return out


def _standings(request: Request, caller: Caller, view: disclose.RoomOut) -> list[dict[str, Any]]:
    """The delegation's own feedback on every version of every draft (its own data, to itself:
    recorded in its disclosures, never counted against the budget)."""
    app = _app(request)
    out = []
    for d in view.drafts:
        full = disclose.draft(app.db, caller, d.id)
        versions = []
        for v in full.versions:
            try:
                versions.append(disclose.feedback(app.db, app.key, caller, d.id, v.version))
            except RoomError:
                break
        out.append({"draft": d, "versions": versions})
    return out


@router.get("/rooms/{room}", response_class=HTMLResponse)
def room_page(room: str, request: Request) -> Response:
    caller, csrf = _session(request, room)
    return _room_page(request, caller, csrf)


@router.get("/rooms/{room}/overlap", response_class=HTMLResponse)
def overlap_fragment(room: str, request: Request) -> Response:
    caller, csrf = _session(request, room)
    app = _app(request)
    got = disclose.overlap(app.db, app.key, caller)
    sc = public_scenario(request, room)
    return _render(request, "_overlap.html", caller, csrf, overlap=got, sc=sc)


@router.post("/rooms/{room}/drafts", response_class=HTMLResponse)
async def new_draft(room: str, request: Request) -> Response:
    caller, csrf = _session(request, room)
    form = await request.form()
    _check_csrf(csrf, str(form.get("csrf", "")))
    app = _app(request)
    view = disclose.room(app.db, caller)
    typed = {f"issue.{i.id}": str(form.get(f"issue.{i.id}", "")) for i in view.issues}
    package = {i.id: typed[f"issue.{i.id}"] for i in view.issues if typed[f"issue.{i.id}"]}
    revises = str(form.get("revises", "")) or None
    label = str(form.get("label", "")).strip()[:200]
    sc = public_scenario(request, room)
    problems = [] if label else ["Give the new text a title (for example “Miami text”)."]
    if revises is None:
        problems += [f"{i.label}: choose an option." for i in sc.issues if i.id not in package]
    if problems:
        return _room_page(
            request,
            caller,
            csrf,
            422,
            revises=revises,
            typed=typed,
            label=label,
            draft_error=" ".join(problems),
        )
    try:
        got = rooms.add_draft(app.db, app.key, caller, label, package, revises)
    except ScenarioError as exc:
        return _room_page(
            request,
            caller,
            csrf,
            422,
            revises=revises,
            typed=typed,
            label=label,
            draft_error=_draft_problems(sc, exc),
        )
    return RedirectResponse(f"/rooms/{room}/drafts/{got.id}", 303)


def _draft_problems(sc: Any, exc: ScenarioError) -> str:
    """A draft's validation problems in the form's words (issue labels, not key paths)."""
    out = []
    for p in exc.problems:
        named = re.search(r"issue `([^`]+)`", p.message)
        where = named.group(1) if named else p.where.removeprefix("package.").split(".")[0]
        issue = next((i for i in sc.issues if i.id == where), None)
        if issue is not None and "no option" in p.message:
            out.append(f"{issue.label}: choose an option.")
        elif issue is not None:
            out.append(f"{issue.label}: {p.message}")
        else:
            out.append(p.message)
    return " ".join(dict.fromkeys(out))


@router.get("/rooms/{room}/drafts/{draft}", response_class=HTMLResponse)
def draft_page(room: str, draft: str, request: Request, status: int = 200) -> Response:
    caller, csrf = _session(request, room)
    return _draft_page(request, caller, csrf, draft)


def _draft_page(
    request: Request, caller: Caller, csrf: str, draft: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    app = _app(request)
    view = disclose.room(app.db, caller)
    d = disclose.draft(app.db, caller, draft)
    sc = public_scenario(request, caller.room_id)
    return _render(
        request,
        "draft.html",
        caller,
        csrf,
        status,
        room=view,
        draft=d,
        sc=sc,
        names=_drafts_by_id(view),
        error=extra.pop("error", None),
        **extra,
    )


@router.get("/rooms/{room}/drafts/{draft}/feedback", response_class=HTMLResponse)
def feedback_fragment(
    room: str, draft: str, request: Request, version: int | None = None
) -> Response:
    caller, csrf = _session(request, room)
    app = _app(request)
    fb = disclose.feedback(app.db, app.key, caller, draft, version)
    sc = public_scenario(request, room)
    view = disclose.room(app.db, caller)
    return _render(request, "_feedback.html", caller, csrf, fb=fb, sc=sc, names=_drafts_by_id(view))


@router.get("/rooms/{room}/drafts/{draft}/acceptability", response_class=HTMLResponse)
def acceptability_fragment(room: str, draft: str, request: Request) -> Response:
    caller, csrf = _session(request, room)
    app = _app(request)
    acc = disclose.acceptability(app.db, app.key, caller, draft)
    sc = public_scenario(request, room)
    return _render(request, "_acceptability.html", caller, csrf, acc=acc, sc=sc)


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
    if not changes:
        return _draft_page(
            request,
            caller,
            csrf,
            draft,
            422,
            error="Change at least one issue before proposing an amendment.",
        )
    try:
        base = int(str(form.get("base_version", "0")))
        rooms.propose_amendment(app.db, app.key, caller, draft, changes, base)
    except rooms.Conflict as exc:
        return _draft_page(
            request,
            caller,
            csrf,
            draft,
            409,
            error=f"The text moved on while you were editing ({exc}); here is the current "
            "version: make your changes again.",
        )
    except (ScenarioError, ValueError) as exc:
        return _draft_page(request, caller, csrf, draft, 422, error=str(exc))
    return RedirectResponse(f"/rooms/{room}/drafts/{draft}", 303)


@router.post("/rooms/{room}/drafts/{draft}/amendments/{amendment}/{decision}")
async def decide(
    room: str, draft: str, amendment: str, decision: str, request: Request
) -> Response:
    caller, csrf = _session(request, room)
    form = await request.form()
    _check_csrf(csrf, str(form.get("csrf", "")))
    if decision not in ("merge", "reject"):
        raise HTTPException(404, f"an amendment is merged or rejected, not “{decision}”")
    app = _app(request)
    try:
        base = int(str(form.get("base_version", "0")))
        rooms.decide_amendment(app.db, app.key, caller, draft, amendment, decision == "merge", base)
    except rooms.Conflict as exc:
        return _draft_page(request, caller, csrf, draft, 409, error=str(exc))
    except (ScenarioError, ValueError) as exc:
        return _draft_page(request, caller, csrf, draft, 422, error=str(exc))
    return RedirectResponse(f"/rooms/{room}/drafts/{draft}", 303)


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
    events = disclose.audit_log(app.db, caller)  # a delegation: 403, as a page
    report = verify(app.db, app.key, room)
    view = disclose.room(app.db, caller)
    sc = public_scenario(request, room)
    return _render(
        request,
        "audit.html",
        caller,
        csrf,
        events=events,
        report=report,
        sc=sc,
        names=_drafts_by_id(view),
    )


@router.get("/rooms/{room}/disclosures", response_class=HTMLResponse)
def disclosures_page(room: str, request: Request) -> Response:
    caller, csrf = _session(request, room)
    app = _app(request)
    items = disclose.disclosures(app.db, caller, app.key)
    view = disclose.room(app.db, caller)
    sc = public_scenario(request, room)
    return _render(
        request,
        "disclosures.html",
        caller,
        csrf,
        items=items,
        sc=sc,
        names=_drafts_by_id(view),
        budget=view.budget,
    )


router.include_router(preference_pages.router)
