"""The ASGI application: :func:`create_app` wires the database, the room key, the API and the
pages; errors become JSON with the right status, never a 500 with a traceback.

Before any route runs, :class:`Gate` (a plain ASGI middleware):

- authenticates a write before reading its body (a bearer token on ``/api``, a session cookie
  on a page form): a request without one is answered 401 (or 303 to ``/login``) unread;
- reads at most :data:`MAX_BODY` bytes of a body from the stream, whatever ``Content-Length``
  or chunked encoding says, and answers 413 past it;
- marks every response ``Cache-Control: no-store`` (with the other security headers).

At start-up every room's event log is replayed against its tables (:func:`zopa.server.audit
.verify`); a room whose state does not match is refused (503 naming the table and row) until
the operator restores it.
"""

from __future__ import annotations

import asyncio
import re
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zopa.errors import ScenarioError
from zopa.model.spec import ID_PATTERN
from zopa.server.auth import (
    COOKIE,
    LoginLimiter,
    member_at_head,
    member_by_token,
    session_member,
)
from zopa.server.crypto import KeyError_, RoomKey
from zopa.server.db import SERVE_THREADS, Database, Slow
from zopa.server.rooms import Caller, Conflict, RoomError
from zopa.server.safejson import SafeJSON
from zopa.server.view import quick

__all__ = [
    "MAX_BODY",
    "SERVE_DB",
    "SERVE_KEY_FILE",
    "RoomApp",
    "SafeJSON",
    "app_from_environment",
    "create_app",
    "refused_rooms",
]

SERVE_DB = "ZOPA_SERVE_DB"
SERVE_KEY_FILE = "ZOPA_SERVE_KEY_FILE"

MAX_BODY = 1024 * 1024
_SECURITY_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"pragma", b"no-cache"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
    ),
]


@dataclass
class RoomApp:
    db: Database
    key: RoomKey
    limiter: LoginLimiter = field(default_factory=LoginLimiter)


def refused_rooms(db: Database, key: RoomKey) -> dict[str, str]:
    """Rooms whose tables do not match their event log (or whose log does not verify, or that
    were made with another key), with why. Each room is checked in full as a serving process
    checks it (:func:`zopa.server.view.warm`), and the views of the rooms it serves are kept:
    a worker's first requests find them built (they had each started the same full check, and
    built the room's scenario, in every worker thread at once)."""
    from sqlalchemy import select

    from zopa.server.db import ROOM_FORMAT, Room
    from zopa.server.view import warm

    with db.read() as s:
        rooms = list(s.scalars(select(Room.id).where(Room.format == ROOM_FORMAT)))
    return warm(db, key, rooms)


class Gate:
    """Authenticate writes before their body is read; bound the body on the stream."""

    def __init__(self, app: ASGIApp, room_app: RoomApp) -> None:
        self.app = app
        self.room = room_app
        # requests inside the app at once, per event loop: each holds at most two pooled
        # connections (its read snapshot, and a write), so the pool (2 x SERVE_THREADS) never
        # runs dry while requests that hold one wait for a thread
        self._slots: weakref.WeakKeyDictionary[Any, anyio.Semaphore] = weakref.WeakKeyDictionary()

    def _slot(self) -> anyio.Semaphore:
        loop = asyncio.get_running_loop()
        got = self._slots.get(loop)
        if got is None:
            got = self._slots[loop] = anyio.Semaphore(SERVE_THREADS)
        return got

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _SECURITY_HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        held = self.room.db.request_scope()  # the request's reads share one snapshot
        token = held.enter()
        try:
            await self._gate(scope, receive, send_with_headers, held)
        finally:
            held.leave(token)
            await _end(held)  # what the request left open (a refusal, a failure)

    async def _gate(
        self, scope: Scope, receive: Receive, send_with_headers: Send, held: Any
    ) -> None:
        """Slots are held while a request works, never while its body is read (a slow
        client holds no slot, thread or connection)."""
        method, path = scope["method"], scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        size = headers.get("content-length")
        if size is not None and (not size.isdigit() or int(size) > MAX_BODY):
            await _reply(send_with_headers, 413, f"the body is over {MAX_BODY:,} bytes")
            return
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            peer = scope.get("client")
            client = peer[0] if peer else "?"
            refusal = self._quick_caller(path, headers, scope)
            if refusal is False:
                async with self._slot():
                    refusal = await run_in_threadpool(self._refusal, path, headers, client, scope)
            if refusal is not None:
                status, detail, extra = refusal
                await _reply(send_with_headers, status, detail, extra)
                return
        body, over = await _read_body(receive)
        if over:
            await _reply(send_with_headers, 413, f"the body is over {MAX_BODY:,} bytes")
            return
        if method == "GET" and not scope.get("query_string"):
            hot = _HOT.match(path)
            if hot is not None and await self._hot(hot, headers, scope, send_with_headers):
                return
        async with self._slot():
            try:
                await self.app(scope, _replay(body, receive), send_with_headers)
            finally:
                await _end(held)  # the route did not end its snapshot

    async def _hot(
        self, hot: re.Match[str], headers: dict[str, str], scope: Scope, send: Send
    ) -> bool:
        """Answer one of the hot reads (the room, its drafts, a delegation's feedback on a
        draft's current text, the overlap) on the event loop without FastAPI's routing,
        dependencies and response validation, when it is the common case: a valid token of
        the room in the path with the right role, and an answer from the room's view the token
        check pinned (:func:`zopa.server.auth.member_at_head`). Anything else (no token, a bad
        one, another room, the wrong role, a view that needs more work, a new answer, any
        error) returns False and the request goes to its FastAPI route, which answers it in
        full; what was done here was only reads."""
        from zopa.server import disclose

        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        room, draft, kind = hot.group("room"), hot.group("draft"), hot["kind"] or hot["fb"]
        if draft is not None and not _DRAFT_ID.match(draft):
            return False
        db, key = self.room.db, self.room.key
        out: Any
        try:
            with quick():
                caller = member_at_head(db, token.strip())
                if caller is None or caller.room_id != room:
                    return False
                if kind is None:
                    out = disclose.room(db, caller)
                elif kind == "drafts":
                    out = disclose.drafts(db, caller)
                elif kind == "overlap":
                    out = disclose.overlap(db, key, caller)
                elif caller.role == "delegation":
                    out = disclose.feedback(db, key, caller, draft, None)
                else:
                    return False
        except Exception:  # the FastAPI route answers it, errors included
            return False
        if isinstance(out, list):
            response = SafeJSON([x.model_dump(mode="json") for x in out])
        else:
            response = SafeJSON(out.model_dump(mode="json"))
        await response(scope, _no_body, send)
        return True

    def _quick_caller(self, path: str, headers: dict[str, str], scope: Scope) -> Any:
        """A write's caller found on the event loop (one statement, as a hot read's): None when
        found (the request goes on), False when that needs a worker thread (no token, a bad
        one, a view that needs more work: :meth:`_refusal` decides there)."""
        if not path.startswith("/api/"):
            return False
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        try:
            with quick():
                caller = member_at_head(self.room.db, token.strip())
        except Exception:  # Slow, or anything else: the thread's check answers it in full
            return False
        if caller is None:
            return False
        scope["zopa.caller"] = caller
        return None

    def _refusal(
        self, path: str, headers: dict[str, str], client: str, scope: Scope
    ) -> tuple[int, str, dict[str, str]] | None:
        if path.startswith("/api/"):
            scheme, _, token = headers.get("authorization", "").partition(" ")
            ok = scheme.lower() == "bearer" and token.strip()
            try:  # its session ends here: the body is read next, at the client's pace
                caller = _member(self.room.db, token.strip()) if ok else None
                if caller is not None:
                    scope["zopa.caller"] = caller  # the route's dependency reuses it
                    return None
            except RoomError as exc:
                return exc.status, str(exc), {}
            if ok and self.room.limiter.failed(self.room.db, client):
                return 429, self.room.limiter.refuse().detail, {}
            return 401, "send a valid `Authorization: Bearer TOKEN`", {"www-authenticate": "Bearer"}
        if path.startswith("/rooms/"):
            sid = _cookie(headers.get("cookie", ""), COOKIE)
            try:
                if session_member(self.room.db, sid, keep=False) is not None:
                    return None
            except RoomError as exc:
                return exc.status, str(exc), {}
            return 303, "sign in first", {"location": "/login"}
        return None


# the hot reads :meth:`Gate._hot` may answer: the room, its drafts, the overlap, a draft's
# feedback (the room id and draft id patterns of the API's routes)
_HOT = re.compile(
    r"^/api/rooms/(?P<room>[A-Za-z0-9_-]{1,32})"
    r"(?:/(?P<kind>drafts|overlap)|/drafts/(?P<draft>[A-Za-z0-9_-]{1,100})/(?P<fb>feedback))?$"
)
_DRAFT_ID = re.compile(ID_PATTERN)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def _member(db: Database, token: str) -> Caller | None:
    """The caller of a write (in a worker thread): one statement when the room's view is at
    hand, a read transaction otherwise."""
    try:
        return member_at_head(db, token)
    except Slow:
        return member_by_token(db, token, keep=False)


async def _end(held: Any) -> None:
    """Close a request's read session in a worker thread, even when the request was cancelled
    (a client gone): its connection goes back to the pool, never left to the collector."""
    if held.session is not None:
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(held.close)


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        k, _, v = part.strip().partition("=")
        if k == name:
            return v
    return None


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    total = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        total += len(chunk)
        if total > MAX_BODY:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


async def _reply(send: Send, status: int, detail: str, extra: dict[str, str] | None = None) -> None:
    payload = SafeJSON({"detail": detail}).body
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def create_app(db: Database, key: RoomKey, *, limiter: LoginLimiter | None = None) -> FastAPI:
    from zopa.server import api, pages

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # the sync routes' thread pool: as many threads as the connection pool holds
        to_thread.current_default_thread_limiter().total_tokens = SERVE_THREADS
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="zopa mediation room",
        version="2",
        description="Confidential multi-party talks: private preferences, one negotiating text, "
        "answers limited by the room's disclosure policy. See docs/server.md.",
        default_response_class=SafeJSON,
    )
    db.guard.key = key
    db.guard.refused = refused_rooms(db, key)
    room_app = RoomApp(db, key, limiter or LoginLimiter())
    app.state.room_app = room_app
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.add_middleware(Gate, room_app=room_app)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> SafeJSON:
        return SafeJSON({"detail": exc.detail}, exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> SafeJSON:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return SafeJSON({"detail": errors}, 422)

    @app.exception_handler(Conflict)
    async def conflict(_: Request, exc: Conflict) -> SafeJSON:
        return SafeJSON({"detail": str(exc), "current_version": exc.current_version}, 409)

    @app.exception_handler(RoomError)
    async def refused(_: Request, exc: RoomError) -> SafeJSON:
        return SafeJSON({"detail": str(exc)}, exc.status)

    @app.exception_handler(ScenarioError)
    async def invalid(_: Request, exc: ScenarioError) -> SafeJSON:
        return SafeJSON(
            {
                "detail": str(exc),
                "problems": [
                    {
                        "where": p.where,
                        "message": p.message,
                        "hint": p.hint,
                        "line": p.line,
                        "column": p.column,
                    }
                    for p in exc.problems
                ],
            },
            422,
        )

    @app.exception_handler(KeyError_)
    async def bad_key(_: Request, exc: KeyError_) -> SafeJSON:
        return SafeJSON({"detail": f"the server cannot open this room's data: {exc}"}, 503)

    pages.html_errors(app)  # pages answer errors as pages, with the same status
    return app


def app_from_environment() -> FastAPI:
    """The app of one ``zopa serve --workers N`` process: the database URL and key file come
    from :data:`SERVE_DB` and :data:`SERVE_KEY_FILE` (set by ``zopa serve``)."""
    import os

    from zopa.server.crypto import load_or_create_key
    from zopa.server.db import open_db

    key = load_or_create_key(Path(os.environ[SERVE_KEY_FILE]), create=False)
    return create_app(open_db(os.environ[SERVE_DB], migrate=False), key)
