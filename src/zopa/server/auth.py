"""Who is calling: bearer tokens for the API, session cookies for pages, failed-login limits.

A token is looked up by its SHA-256 only. A browser signs in once with its token and gets a
fresh session id in an ``HttpOnly; SameSite=Strict`` cookie (``Secure`` when served over
HTTPS); the session row keeps the id's hash and a CSRF token that every form must echo.
Failed sign-ins (a bad token on the API or the login form) are counted per client address:
past :attr:`LoginLimiter.limit` failures in :attr:`LoginLimiter.window` seconds the address
gets 429 until the window has passed.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from datetime import UTC, datetime, timedelta

from fastapi import HTTPException, Request
from sqlalchemy import select

from zopa.server.crypto import hash_token
from zopa.server.db import Database, Member, SessionRow
from zopa.server.rooms import Caller

__all__ = [
    "COOKIE",
    "LoginLimiter",
    "current_member",
    "member_by_token",
    "new_session",
    "session_member",
]

COOKIE = "zopa_session"
SESSION_HOURS = 12


class LoginLimiter:
    """Failed sign-ins per client address in a sliding window (in memory, per process)."""

    def __init__(self, limit: int = 20, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, who: str, t: float) -> deque[float]:
        q = self._fails.setdefault(who, deque())
        while q and q[0] < t - self.window:
            q.popleft()
        return q

    def check(self, who: str) -> None:
        with self._lock:
            if len(self._recent(who, time.monotonic())) >= self.limit:
                raise HTTPException(
                    429, f"too many failed sign-ins from your address; wait {self.window:.0f} s"
                )

    def fail(self, who: str) -> None:
        with self._lock:
            self._recent(who, time.monotonic()).append(time.monotonic())
            if len(self._fails) > 100_000:
                self._fails.clear()


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def member_by_token(db: Database, token: str) -> Caller | None:
    if not token or len(token) > 200:
        return None
    with db.read() as s:
        m = s.scalars(select(Member).where(Member.token_hash == hash_token(token))).first()
        return None if m is None else Caller(m.id, m.room_id, m.role, m.party_id)


def current_member(request: Request) -> Caller:
    """FastAPI dependency: the member whose bearer token the request carries."""
    app = request.app.state.room_app
    who = _client(request)
    app.limiter.check(who)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(
            401,
            "send `Authorization: Bearer TOKEN` (the token `zopa room create` printed)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    caller = member_by_token(app.db, token.strip())
    if caller is None:
        app.limiter.fail(who)
        raise HTTPException(
            401, "this token is not valid for any room", headers={"WWW-Authenticate": "Bearer"}
        )
    return caller


def new_session(db: Database, caller: Caller) -> tuple[str, str]:
    """A browser session for ``caller``: (session id for the cookie, CSRF token)."""
    sid = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    expires = (datetime.now(UTC) + timedelta(hours=SESSION_HOURS)).isoformat()
    with db.write() as s:
        s.add(
            SessionRow(
                token_hash=hash_token(sid),
                member_id=caller.member_id,
                csrf=csrf,
                expires_at=expires,
            )
        )
    return sid, csrf


def session_member(db: Database, sid: str | None) -> tuple[Caller, str] | None:
    """The member and CSRF token of a live session cookie."""
    if not sid or len(sid) > 200:
        return None
    with db.read() as s:
        row = s.scalars(select(SessionRow).where(SessionRow.token_hash == hash_token(sid))).first()
        if row is None or row.expires_at < datetime.now(UTC).isoformat():
            return None
        m = s.get(Member, row.member_id)
        if m is None:
            return None
        return Caller(m.id, m.room_id, m.role, m.party_id), row.csrf


def end_session(db: Database, sid: str | None) -> None:
    if not sid:
        return
    with db.write() as s:
        row = s.scalars(select(SessionRow).where(SessionRow.token_hash == hash_token(sid))).first()
        if row is not None:
            s.delete(row)
