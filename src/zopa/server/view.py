"""Each room as its event log says it is: a per-process read model keyed on the log's head.

The event log is the room's source of truth (:mod:`zopa.server.audit`), and every change to a
room appends an event in the same transaction as its rows. So what a request reads of a room
(its drafts and their versions, who entered preferences at which version, rounds and locks,
consents, each asker's spent budget, which questions were answered) is a pure function of the
log, and a process can keep it between requests as long as the log's head (sequence number and
keyed hash) has not moved. :func:`room_view` reads the head (one indexed row) and:

- returns the cached :class:`View` when the head is the one it was built at;
- when the head moved (a write by this or any other process), reads only the new events,
  checks that they extend the chain it knows (keyed HMAC), and replays them on the cached state;
- when the process has no view of the room yet, when the head is not a continuation of the one
  it knew, or when its last full check is more than :data:`FULL_CHECK_SECONDS` old, does the
  full check of ``zopa audit verify`` (the chain from the first event, a replay, and every state
  table compared row by row) and *refuses the room* (503 naming the table and row) on a mismatch.

Reads are answered from the view, not from the state tables: a row edited behind the server's
back does not change what a member is told. The rows a request still reads from the tables are
checked against the view before use: the sealed blobs of preferences and answers (their
SHA-256 is in the log), and the caller's member row (token hash, active, consent and tag).

Nothing here is a cache that workers share or need to invalidate: every process checks the head
in the request's own transaction, so a write by another worker is seen by the next request.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from zopa.records import frozen
from zopa.server.audit import _check, check_room
from zopa.server.crypto import RoomKey
from zopa.server.db import QUICK, ROOM_FORMAT, AuditEvent, Database, Room, Slow, guard_of
from zopa.server.projection import State, member_key, replay

__all__ = [
    "FULL_CHECK_SECONDS",
    "Slow",
    "View",
    "at_head",
    "quick",
    "refuse",
    "room_view",
    "warm",
]


def _seconds(text: str | None, default: float) -> float:
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return value if 0 <= value < 1e9 else default


# how old a view's last full check may be when the head moves (ZOPA_FULL_CHECK_SECONDS; 0: a
# full check at every head change, which costs a replay of the whole log per write)
FULL_CHECK_SECONDS = _seconds(os.environ.get("ZOPA_FULL_CHECK_SECONDS"), 5.0)
_KEEP = 64  # views of older heads kept per room


@frozen
class View:
    """A room's state at one head of its log (never changed: a new head makes a new view)."""

    room_id: str
    seq: int
    head: str
    state: State
    info: Any  # zopa.server.rooms.RoomInfo
    checked: float  # time.monotonic() of the last full check this view descends from

    @cached_property
    def entered(self) -> dict[str, int]:
        """Party -> version of the preferences it entered."""
        return {p: int(r["version"]) for p, r in self.state["preferences"].items()}

    @cached_property
    def spent(self) -> dict[str, int]:
        """Asker -> answers it was given that used others' data (its budget used)."""
        out: dict[str, int] = {}
        for d in self.state["disclosures"].values():
            if d["counted"]:
                out[d["asker"]] = out.get(d["asker"], 0) + 1
        return out

    @cached_property
    def answered(self) -> dict[str, str]:
        """Fingerprint of a question on given preference versions -> the answer's ref."""
        return {d["fingerprint"]: ref for ref, d in self.state["disclosures"].items()}

    @cached_property
    def versions(self) -> dict[str, list[tuple[int, str]]]:
        """Draft -> its text versions (version, canonical package JSON), oldest first."""
        out: dict[str, list[tuple[int, str]]] = {}
        for k, v in self.state["draft_versions"].items():
            draft, _, n = k.rpartition("@v")
            out.setdefault(draft, []).append((int(n), v["package"]))
        for xs in out.values():
            xs.sort()
        return out

    def member(self, role: str, party: str | None) -> Mapping[str, Any] | None:
        return self.state["members"].get(member_key(role, party))

    def consenting(self) -> set[str]:
        """Delegations whose consent to acceptability answers is in force."""
        out = set()
        for k, m in self.state["members"].items():
            if k.startswith("delegation:") and m["consent"] and m["active"]:
                out.add(k.removeprefix("delegation:"))
        return out

    def budget(self, asker: str) -> dict[str, int]:
        return {"used": self.spent.get(asker, 0), "limit": self.info.policy.budget}

    def package(self, draft: str, version: int | None = None) -> tuple[int, dict[str, str]]:
        """A draft's text at ``version`` (the newest when None); NotFound otherwise."""
        from zopa.server.rooms import NotFound

        xs = self.versions.get(draft)
        if not xs:
            raise NotFound(f"no draft `{draft}` in this room")
        if version is None:
            n, text = xs[-1]
            return n, json.loads(text)
        for n, text in xs:
            if n == version:
                return n, json.loads(text)
        raise NotFound(f"draft `{draft}` has no version {version}")

    def earlier_text(self, draft: str, version: int) -> tuple[int, dict[str, str]] | None:
        """The newest version before ``version`` whose text differs from it."""
        xs = self.versions.get(draft, [])
        this = next((t for n, t in xs if n == version), None)
        for n, text in reversed(xs):
            if n < version and text != this:
                return n, json.loads(text)
        return None

    def sealed_ok(self, table: str, row: str, digest: str) -> bool:
        got = self.state[table].get(row)
        return got is not None and got.get("sealed_sha256") == digest


# a caller on the event loop (:func:`zopa.server.auth.current_member`) reads a view there
# only when it is at most this many events behind; a full check, or a longer replay, raises
# :class:`Slow` and the caller does it in a worker thread
QUICK_EVENTS = 16


@contextmanager
def quick() -> Iterator[None]:
    """Inside, :func:`room_view` raises :class:`Slow` instead of a full check or a long
    replay, and so do a PostgreSQL transaction and any write (:class:`zopa.server.db
    .Database`): the caller does that work in a worker thread."""
    token = QUICK.set(True)
    try:
        yield
    finally:
        QUICK.reset(token)


def refuse(guard: Any, room_id: str, why: str) -> Exception:
    from zopa.server.rooms import Refused

    guard.refused[room_id] = why
    return Refused(f"the server refuses room `{room_id}`: {why}")


def room_view(s: Session, room_id: str, key: RoomKey | None = None) -> View:
    """The room's view at the log head ``s`` sees (see the module docstring)."""
    from zopa.server.rooms import Refused

    guard = guard_of(s)
    why = guard.refused.get(room_id)
    if why:
        raise Refused(f"the server refuses room `{room_id}`: {why}")
    key = key or guard.key
    if key is None:
        raise Refused(f"the server has no room key to check room `{room_id}` with")
    seen: dict[str, View] | None = None
    if s.info.get("zopa_read"):
        seen = s.info.setdefault("zopa_views", {})
    if seen is not None and room_id in seen:  # a read sees one snapshot: its head is read once
        return seen[room_id]
    view = _at_head(s, room_id, key, guard)
    if seen is not None:
        seen[room_id] = view
    return view


def _at_head(s: Session, room_id: str, key: RoomKey, guard: Any) -> View:
    from zopa.server.rooms import NotFound

    top = s.execute(_HEAD, {"room": room_id}).first()
    if top is None:
        if s.get(Room, room_id) is None:
            raise NotFound(f"no room `{room_id}`")
        raise refuse(guard, room_id, "the room has no events; restore it from a backup")
    seq, head = int(top[0]), str(top[1])
    old = _known(guard, room_id, seq)
    if old is not None and old.seq == seq and old.head == head:
        return old
    due = "now" if old is None else _due(guard, old)
    if old is not None and old.seq < seq and due != "now":
        if QUICK.get() and seq - old.seq > QUICK_EVENTS:
            raise Slow(room_id)
        events = list(s.execute(_AFTER, {"room": room_id, "after": old.seq, "upto": seq}))
        view = _advance(key, old, guard, events, seq, head)
        if due == "soon":
            _check_later(guard, room_id, key)
    else:
        if QUICK.get():
            raise Slow(room_id)
        view = _full(s, key, room_id, guard)
    return _keep(guard, view)


def at_head(db: Database, room_id: str, seq: int, head: str) -> View:
    """The room's view at the head ``(seq, head)`` that one statement read outside any
    transaction (with the caller's member row: :func:`zopa.server.auth.member_at_head`): the
    cached view, or the cached one advanced by the events up to that head, read in one more
    statement (events are never changed, so any later snapshot agrees on them). Raises
    :class:`Slow` when it takes more (a full check, a long replay: the caller then reads the
    room in a transaction)."""
    from zopa.server.rooms import Refused

    guard = db.guard
    why = guard.refused.get(room_id)
    if why:
        raise Refused(f"the server refuses room `{room_id}`: {why}")
    key = guard.key
    old = _known(guard, room_id, seq)
    if old is not None and old.seq == seq and old.head == head:
        return old
    if (
        key is None
        or old is None
        or not old.seq < seq <= old.seq + QUICK_EVENTS
        or (due := _due(guard, old)) == "now"
    ):
        raise Slow(room_id)
    events = db.rows(_AFTER, {"room": room_id, "after": old.seq, "upto": seq})
    view = _keep(guard, _advance(key, old, guard, events, seq, head))
    if due == "soon":
        _check_later(guard, room_id, key)
    return view


def _due(guard: Any, old: View) -> str:
    """Whether the room's full check is due when its head moves past ``old``: "" (its last one
    is younger than :data:`FULL_CHECK_SECONDS`), "soon" (younger than twice that: the request is
    served from the view advanced by the new, chain-checked events while one thread of this
    process runs the full check; its mismatch refuses the room from then on) or "now" (older,
    or the interval is 0: the request waits for the full check). A full check in the request
    stalled every request of the worker that was due at the same moment, and the event loop
    with them, once every interval under load (issue 21 §3)."""
    with guard.lock:
        last = max(old.checked, guard.checked.get(old.room_id, 0.0))
    age = time.monotonic() - last
    if age < FULL_CHECK_SECONDS:
        return ""
    return "soon" if age < 2 * FULL_CHECK_SECONDS and guard.db is not None else "now"


def _check_later(guard: Any, room_id: str, key: RoomKey) -> None:
    """Start the room's full check in a thread of its own unless one is running already."""
    import threading

    with guard.lock:
        if room_id in guard.checking:
            return
        guard.checking.add(room_id)
    threading.Thread(
        target=_check_now, args=(guard, room_id, key), name=f"zopa-check-{room_id}", daemon=True
    ).start()


def _check_now(guard: Any, room_id: str, key: RoomKey) -> None:
    started = time.monotonic()
    try:
        with guard.db.read() as s:
            view = _full(s, key, room_id, guard)  # a mismatch is recorded in guard.refused
        _keep(guard, view)
        with guard.lock:
            guard.checked[room_id] = started
    except Exception:  # the next request that finds it due checks it itself
        pass
    finally:
        with guard.lock:
            guard.checking.discard(room_id)


def _known(guard: Any, room_id: str, seq: int) -> View | None:
    """The newest view of the room this process has, or the one at ``seq`` when the newest
    is past it (a snapshot older than another request's)."""
    with guard.lock:
        old: View | None = guard.views.get(room_id)
        if old is not None and old.seq > seq:
            old = guard.views.get((room_id, seq))
    return old


def _keep(guard: Any, view: View) -> View:
    with guard.lock:
        newest = guard.views.get(view.room_id)
        if newest is None or newest.seq <= view.seq:
            guard.views[view.room_id] = view
        # the views of recent heads, for reads whose snapshot began before the newest write
        guard.views[(view.room_id, view.seq)] = view
        if len(guard.views) > 4 * _KEEP:
            for k in [k for k in guard.views if isinstance(k, tuple) and k[1] < view.seq - _KEEP]:
                del guard.views[k]
    return view


# the log head: a Core statement built once (it runs on every request)
_EVENTS = AuditEvent.__table__
_HEAD = (
    select(_EVENTS.c.seq, _EVENTS.c.hash)
    .where(_EVENTS.c.room_id == bindparam("room"))
    .order_by(_EVENTS.c.seq.desc())
    .limit(1)
)


# the events after a view's head up to a newer head (Core rows: no ORM entities to build)
_AFTER = (
    select(
        _EVENTS.c.room_id,
        _EVENTS.c.seq,
        _EVENTS.c.at,
        _EVENTS.c.actor,
        _EVENTS.c.action,
        _EVENTS.c.data,
        _EVENTS.c.prev_hash,
        _EVENTS.c.hash,
    )
    .where(
        _EVENTS.c.room_id == bindparam("room"),
        _EVENTS.c.seq > bindparam("after"),
        _EVENTS.c.seq <= bindparam("upto"),
    )
    .order_by(_EVENTS.c.seq, _EVENTS.c.id)
)


def _advance(key: RoomKey, old: View, guard: Any, events: list[Any], seq: int, head: str) -> View:
    """``old`` advanced by ``events``, which must extend its chain up to ``(seq, head)``."""
    prev, want = old.head, old.seq + 1
    for ev in events:
        fault = _check(key, ev, prev, want)
        if fault:
            raise refuse(
                guard,
                old.room_id,
                f"its event log does not verify at event {ev.seq}: {fault}; restore the "
                "database from a backup, then run `zopa audit verify`",
            )
        prev, want = ev.hash, ev.seq + 1
    if (want - 1, prev) != (seq, head):
        raise refuse(
            guard,
            old.room_id,
            f"its event log does not verify: the events after {old.seq} do not lead to the "
            f"head event {seq}; restore the database from a backup, then run `zopa audit verify`",
        )
    state = replay(old.room_id, events, old.state)
    return View(old.room_id, seq, head, state, old.info, old.checked)


def warm(db: Database, key: RoomKey, rooms: list[str]) -> dict[str, str]:
    """Check each of ``rooms`` in full (the chain, a replay, every table) and keep its view, as
    a serving process does when it first serves a room; the rooms refused, with why."""
    from zopa.server.rooms import RoomError

    out: dict[str, str] = {}
    guard = db.guard
    for rid in rooms:
        try:
            with db.read() as s:
                view = _full(s, key, rid, guard)
        except RoomError as exc:
            out[rid] = guard.refused.get(rid) or str(exc)
            continue
        _keep(guard, view)
    return out


def _full(s: Session, key: RoomKey, room_id: str, guard: Any) -> View:
    from zopa.server.rooms import NotFound, Refused, room_info

    room = s.get(Room, room_id)
    if room is None:
        raise NotFound(f"no room `{room_id}`")
    if room.format != ROOM_FORMAT:
        raise Refused(
            f"room `{room_id}` was created by an older zopa (room format {room.format}; this "
            f"zopa serves format {ROOM_FORMAT}, with sealed answers and a keyed event log); "
            "recreate it with `zopa room create`"
        )
    if room.key_fingerprint != key.fingerprint:
        raise refuse(
            guard,
            room_id,
            "the room key this server was given is not the room's key (the room was made "
            "with another); give the key file `zopa room create` made, or its ZOPA_ROOM_KEY",
        )
    got = check_room(s, key, room_id)
    if got.fault:
        where = f" (event {got.bad_seq})" if got.bad_seq is not None else ""
        raise refuse(
            guard,
            room_id,
            f"its state does not match its event log{where}: {got.fault}; "
            "restore the database from a backup, then run `zopa audit verify`",
        )
    info = room_info(room)
    return View(room_id, got.seq, got.head, got.state, info, time.monotonic())
