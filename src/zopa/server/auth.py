"""Who is calling: bearer tokens for the API, session cookies for pages, failed sign-ins.

A token is looked up by its SHA-256 only, and the member row it finds must carry a valid HMAC
tag (:func:`zopa.server.rooms.member_mac`): a row inserted or edited in the database without
the room key never authenticates anyone. A revoked token, or a room the server refuses, gets
401 / 503. A browser signs in once with its token and gets a fresh session id in an
``HttpOnly; SameSite=Strict`` cookie (``Secure`` over HTTPS); the session row keeps the id's
hash and a CSRF token that every form must echo.

Failed sign-ins are counted per client address in the database (table ``sign_in_failures``),
so every server process shares them. A valid token is *never* refused because of failures
(others' or its own address's): the limiter only turns a bad token's 401 into 429 past
:attr:`LoginLimiter.limit` failures in the current window, and stops counting (writing) there.
The client address is the socket's peer, or the ``X-Forwarded-For`` of a proxy only when
``zopa serve --forwarded-allow-ips`` names that proxy.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy import Row, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from zopa.server.crypto import hash_token
from zopa.server.db import AuditEvent, Database, Member, SessionRow, SignInFailure, guard_of
from zopa.server.projection import member_key
from zopa.server.rooms import Caller, Refused, member_ok

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
    """Failed sign-ins per client address in fixed windows, kept in the database."""

    def __init__(self, limit: int = 20, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window

    def _slot(self) -> int:
        return int(time.time() // self.window)

    def failed(self, db: Database, who: str) -> bool:
        """Count one failure from ``who``; True when the address is now over the limit."""
        slot, who = self._slot(), who[:64]
        with db.read() as s:
            n = s.scalar(
                select(SignInFailure.count).where(
                    SignInFailure.address == who, SignInFailure.window == slot
                )
            )
        if n is not None and n >= self.limit:
            return True  # over the limit: no more writes for this address in this window
        try:
            with db.write() as s:
                got = s.execute(
                    update(SignInFailure)
                    .where(SignInFailure.address == who, SignInFailure.window == slot)
                    .values(count=SignInFailure.count + 1)
                )
                if not got.rowcount:  # type: ignore[attr-defined]
                    s.add(SignInFailure(address=who, window=slot, count=1))
                s.execute(delete(SignInFailure).where(SignInFailure.window < slot - 1))
        except IntegrityError:  # another process added the row first
            return self.failed(db, who)
        return (n or 0) + 1 > self.limit

    def refuse(self) -> HTTPException:
        return HTTPException(
            429, f"too many failed sign-ins from your address; wait {self.window:.0f} s"
        )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


def member_by_token(db: Database, token: str, *, keep: bool = True) -> Caller | None:
    """The active member whose token this is, with a valid row tag; None otherwise. With
    ``keep`` the route's reads use the same snapshot (see :meth:`Database.read`)."""
    if not token or len(token) > 200:
        return None
    with db.read(keep=keep) as s:
        m = s.execute(_BY_TOKEN, {"h": hash_token(token)}).first()
        return _caller(s, m)


def member_at_head(db: Database, token: str) -> Caller | None:
    """:func:`member_by_token` in one statement outside any transaction: the member row and
    its room's log head read together (one snapshot), checked against the room's view at that
    head, which the request then reads from (:meth:`Database.pin`). Raises
    :class:`zopa.server.db.Slow` when the view takes more than the cached one advanced by a
    few events: :func:`member_by_token` then does it in a transaction."""
    from zopa.server.db import Slow
    from zopa.server.view import at_head

    if not token or len(token) > 200:
        return None
    m = db.once(_AT_HEAD, {"h": hash_token(token)})
    g = db.guard
    if not _tagged(g, m):
        return None
    assert m is not None
    if m.head_seq is None:  # a room with no events: the transaction says what is wrong
        raise Slow(m.room_id)
    view = at_head(db, m.room_id, int(m.head_seq), str(m.head_hash))
    _matches(g, m, view)
    db.pin(m.room_id, view)
    return Caller(m.id, m.room_id, m.role, m.party_id)


# Core statements built once: on the path of every request, the ORM's entity loading costs
# several times the query itself
_MEMBERS = Member.__table__
_EVENTS = AuditEvent.__table__
_BY_TOKEN = select(_MEMBERS).where(_MEMBERS.c.token_hash == bindparam("h"))


def _head(column: Any) -> Any:
    return (
        select(column)
        .where(_EVENTS.c.room_id == _MEMBERS.c.room_id)
        .order_by(_EVENTS.c.seq.desc())
        .limit(1)
        .scalar_subquery()
    )


# the member row and its room's log head (sequence number and keyed hash) in one statement
_AT_HEAD = select(
    _MEMBERS, _head(_EVENTS.c.seq).label("head_seq"), _head(_EVENTS.c.hash).label("head_hash")
).where(_MEMBERS.c.token_hash == bindparam("h"))


def _tagged(g: Any, m: Member | Row[Any] | None) -> bool:
    """An active member row with a valid tag, in a room the server does not refuse."""
    if m is None or not m.active:
        return False
    if m.room_id in g.refused:
        raise Refused(f"the server refuses room `{m.room_id}`: {g.refused[m.room_id]}")
    return g.key is not None and member_ok(g.key, m)


def _matches(g: Any, m: Member | Row[Any], view: Any) -> None:
    """Refuse the room when the member row is not what its events produce."""
    from zopa.server.view import refuse

    want = view.member(m.role, m.party_id)
    got = {
        "token_hash": m.token_hash,
        "active": bool(m.active),
        "consent": bool(m.consent_acceptability),
        "mac": m.mac,
    }
    if want != got:  # a row put back (a revoked token restored with its old tag), or edited
        raise refuse(
            g,
            m.room_id,
            f"its state does not match its event log: table members, row "
            f"{member_key(m.role, m.party_id)} differs from what the events produce; restore "
            "the database from a backup, then run `zopa audit verify`",
        )


def _caller(s: object, m: Member | Row[Any] | None) -> Caller | None:
    from sqlalchemy.orm import Session

    from zopa.server.view import room_view

    assert isinstance(s, Session)
    g = guard_of(s)
    if not _tagged(g, m):
        return None
    assert m is not None
    _matches(g, m, room_view(s, m.room_id))
    return Caller(m.id, m.room_id, m.role, m.party_id)


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def current_member(request: Request) -> Caller:
    """FastAPI dependency: the member whose bearer token the request carries.

    It runs on the event loop, not as a hop through the thread pool: one statement reads the
    member row and the room's log head (:func:`member_at_head`; on PostgreSQL one round trip,
    outside any transaction), and the room's view at that head is the cached one, or the cached
    one advanced by the events since (one more statement). When the view needs more (a full
    check, a long replay: :class:`zopa.server.view.Slow`), and to count a failed sign-in (a
    write), it runs in a worker thread."""
    from starlette.concurrency import run_in_threadpool

    from zopa.server.view import Slow, quick

    cached = request.scope.get("zopa.caller")
    if isinstance(cached, Caller):
        return cached
    app = request.app.state.room_app
    token = bearer_token(request)
    if token is None:
        raise HTTPException(
            401,
            "send `Authorization: Bearer TOKEN` (the token `zopa room create` printed)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    caller: Caller | None = None
    try:
        with quick():
            caller = member_at_head(app.db, token)
    except Slow:
        caller = await run_in_threadpool(member_by_token, app.db, token)
    if caller is None:
        if await run_in_threadpool(app.limiter.failed, app.db, client_address(request)):
            raise app.limiter.refuse()
        raise HTTPException(
            401, "this token is not valid for any room", headers={"WWW-Authenticate": "Bearer"}
        )
    request.scope["zopa.caller"] = caller
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


def session_member(
    db: Database, sid: str | None, *, keep: bool = True
) -> tuple[Caller, str] | None:
    """The member and CSRF token of a live session cookie (``keep``: the page reads in the
    same snapshot)."""
    if not sid or len(sid) > 200:
        return None
    with db.read(keep=keep) as s:
        row = s.scalars(select(SessionRow).where(SessionRow.token_hash == hash_token(sid))).first()
        if row is None or row.expires_at < datetime.now(UTC).isoformat():
            return None
        caller = _caller(s, s.get(Member, row.member_id))
        if caller is None:
            return None
        return caller, row.csrf


def end_session(db: Database, sid: str | None) -> None:
    if not sid:
        return
    with db.write() as s:
        row = s.scalars(select(SessionRow).where(SessionRow.token_hash == hash_token(sid))).first()
        if row is not None:
            s.delete(row)
