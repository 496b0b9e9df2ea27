"""What every page route shares: the templates, the caller's session, the CSRF check, rendering,
and the one HTML error page (the status the API would give, a page in words, never JSON)."""

from __future__ import annotations

import hmac
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from zopa.model.scenario import Scenario
from zopa.server import page_words, rooms
from zopa.server.auth import COOKIE, session_member
from zopa.server.rooms import Caller

__all__ = [
    "app_of",
    "check_csrf",
    "html_errors",
    "public_room",
    "render",
    "session",
    "templates",
]

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
_FID = re.compile(r"[^A-Za-z0-9_-]+")
templates.env.filters["fid"] = lambda name: "f-" + _FID.sub("-", str(name))
templates.env.globals["w"] = page_words

_TITLES = {
    400: "That request cannot be read",
    401: "Sign in first",
    403: "This page is not for you",
    404: "Not found",
    405: "That address takes a form, not a visit",
    409: "Someone changed this first",
    413: "Too large",
    422: "Something in the form needs fixing",
    429: "Not now",
    503: "The room is unavailable",
}


def app_of(request: Request) -> Any:
    return request.app.state.room_app


def session(request: Request, room: str) -> tuple[Caller, str]:
    got = session_member(app_of(request).db, request.cookies.get(COOKIE))
    if got is None:
        raise HTTPException(303, headers={"Location": "/login"})
    caller, csrf = got
    if caller.room_id != room:
        raise HTTPException(403, "your session belongs to another room")
    return caller, csrf


def check_csrf(csrf: str, sent: str) -> None:
    if not hmac.compare_digest(csrf.encode(), sent.encode()):
        raise HTTPException(403, "the form's CSRF token does not match your session; reload")


def public_room(request: Request, room: str) -> rooms.RoomInfo:
    """The room's public skeleton (validated) and its policy."""
    with app_of(request).db.read() as s:
        return rooms.load_room(s, room)


def public_scenario(request: Request, room: str) -> Scenario:
    return public_room(request, room).scenario


def render(
    request: Request, name: str, caller: Caller | None, csrf: str, status: int = 200, **ctx: Any
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, name, {"caller": caller, "csrf": csrf, **ctx}, status_code=status
    )


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """The error as a page (or, for an htmx request, as the fragment it swaps in)."""
    caller = None
    got = session_member(app_of(request).db, request.cookies.get(COOKIE))
    if got is not None:
        caller = got[0]
    ctx = {
        "code": status,
        "title": _TITLES.get(status, "Something went wrong"),
        "message": message,
    }
    name = "_error.html" if request.headers.get("hx-request") else "error.html"
    return render(request, name, caller, got[1] if got else "", status, **ctx)


def _message(exc: Exception) -> str:
    detail = getattr(exc, "detail", None)
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):  # a request validation error
        return "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail)
    return str(exc) or "the request was refused"


def html_errors(app: FastAPI) -> None:
    """Pages answer errors as pages with the status the API gives for the same refusal; every
    route under ``/api`` keeps the JSON handler it had. Call after the JSON handlers are set."""
    for cls, handler in list(app.exception_handlers.items()):
        if not isinstance(cls, type):
            continue

        def wrapped(
            request: Request, exc: Exception, _json: Any = handler, _cls: type = cls
        ) -> Any:
            if request.url.path.startswith("/api") or request.url.path.startswith("/openapi"):
                return _json(request, exc)
            status = getattr(exc, "status_code", None) or getattr(exc, "status", None)
            if _cls.__name__ == "ScenarioError":
                status = 422
            if _cls.__name__ == "KeyError_":
                status = 503
            status = int(status or 500)
            if 300 <= status < 400:
                return _json(request, exc)
            return error_page(request, status, _message(exc))

        app.exception_handlers[cls] = _async(wrapped)


def _async(fn: Any) -> Any:
    import inspect

    async def handler(request: Request, exc: Exception) -> Response:
        out = fn(request, exc)
        if inspect.isawaitable(out):
            out = await out
        result: Response = out
        return result

    return handler
