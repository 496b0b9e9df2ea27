"""The event log: the source of truth of every room, keyed and chained.

Every change to a room is an event appended in the same transaction as the rows it changes.
Event ``n`` stores ``hash = HMAC-SHA-256(log key, prev_hash | room, seq, at, actor, action |
data)`` with ``prev_hash`` the hash of event ``n - 1`` (64 zeros for the first); the log key is
derived from the room key (:meth:`RoomKey.mac`), so without the key no one can rebuild, extend or
forge the chain. The state tables (rooms, members, preferences, drafts, versions, amendments,
disclosures; budgets and consent are columns or counts of these) are a *projection* of the
events: :func:`verify` checks the chain, replays the events (:mod:`zopa.server.projection`) and
compares every table row by row, naming the first table and row that differ. Truncating the tail
is visible only against a head hash kept elsewhere: :func:`verify` reports each room's head.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from zopa.records import frozen
from zopa.server.crypto import RoomKey
from zopa.server.db import AuditEvent, Database, Room, dumps, now
from zopa.server.room_errors import Refused

__all__ = [
    "GENESIS",
    "LAST_EVENT",
    "AuditReport",
    "append",
    "commitment",
    "event_hash",
    "next_event",
    "verify",
]

GENESIS = "0" * 64


def event_hash(
    key: RoomKey,
    prev_hash: str,
    room_id: str,
    seq: int,
    at: str,
    actor: str,
    action: str,
    data: str,
) -> str:
    body = dumps({"room": room_id, "seq": seq, "at": at, "actor": actor, "action": action})
    return key.mac("event", prev_hash, body, data)


def append(
    s: Session, key: RoomKey, room_id: str, actor: str, action: str, data: dict[str, Any]
) -> AuditEvent:
    """Add the next event of ``room_id``'s chain (inside the caller's write transaction). The
    last event is read here, or was read by the write inside the room's lock, with a row it
    needed (``zopa_last_event``, set by :func:`zopa.server.rooms._draft`; used once)."""
    known = s.info.pop("zopa_last_event", None)
    if known is not None and known[0] == room_id:
        last = known[1]
    else:
        last = s.execute(LAST_EVENT, {"room": room_id}).first()
    ev = AuditEvent(**next_event(key, room_id, last, actor, action, data))
    s.add(ev)
    s.flush()
    return ev


def next_event(
    key: RoomKey, room_id: str, last: Any, actor: str, action: str, data: dict[str, Any]
) -> dict[str, Any]:
    """The columns of the event after ``last`` (a row of :data:`LAST_EVENT`; None: the room's
    first event), hashed into the chain; refused when ``last`` does not verify under the key.
    Every write makes its event here (:func:`append`, or a row queued with
    :meth:`zopa.server.db.Database.add_rows`)."""
    if last is not None and _check(key, last, last.prev_hash, last.seq):
        raise Refused(
            f"room `{room_id}`: its last event does not verify under the room key (the log was "
            "altered or rebuilt without the key); nothing more is written. Run `zopa audit verify`"
        )
    seq = 1 if last is None else last.seq + 1
    prev = GENESIS if last is None else last.hash
    at = now()
    text = dumps(data)
    return {
        "room_id": room_id,
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "data": text,
        "prev_hash": prev,
        "hash": event_hash(key, prev, room_id, seq, at, actor, action, text),
    }


# the last event of a room (Core: its columns, no ORM entity), built once: every write reads it
# (rooms.py joins it to a draft's row as a subquery)
_T = AuditEvent.__table__
LAST_EVENT = (
    select(
        _T.c.room_id,
        _T.c.seq,
        _T.c.at,
        _T.c.actor,
        _T.c.action,
        _T.c.data,
        _T.c.prev_hash,
        _T.c.hash,
    )
    .where(_T.c.room_id == bindparam("room"))
    .order_by(_T.c.seq.desc())
    .limit(1)
)


def commitment(salt: str, obj: Any) -> str:
    """The salted hash a preferences event commits to (red lines, or the whole block)."""
    import hashlib

    return hashlib.sha256(f"{salt}|{dumps(obj)}".encode()).hexdigest()


@frozen
class AuditReport:
    """The outcome of :func:`verify`: ``ok``, events checked, heads, and the first fault
    (room, event or table and row, reason)."""

    ok: bool
    events: int
    heads: dict[str, str] = field(default_factory=dict)  # room -> hash of its last event
    bad_room: str | None = None
    bad_seq: int | None = None
    reason: str = ""
    table: str | None = None
    row: str | None = None
    rows: int = 0  # state rows compared with the replay

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ok": self.ok,
            "events": self.events,
            "rows": self.rows,
            "heads": dict(self.heads),
        }
        if not self.ok:
            out["first_bad"] = {
                "room": self.bad_room,
                "seq": self.bad_seq,
                "table": self.table,
                "row": self.row,
                "reason": self.reason,
            }
        return out


def verify(db: Database, key: RoomKey, room_id: str | None = None) -> AuditReport:
    """Check each room's keyed chain from the first event, then replay its events and compare
    every state table with what they produce."""

    with db.read() as s:
        q = select(Room.id).order_by(Room.id)
        if room_id is not None:
            q = q.where(Room.id == room_id)
        rooms = list(s.scalars(q))
        if room_id is not None and not rooms:
            rooms = [room_id]
        loose = select(AuditEvent.room_id).where(AuditEvent.room_id.not_in(rooms)).limit(1)
        orphan = None if room_id is not None else s.scalar(loose)
    if orphan is not None:
        return AuditReport(False, 0, {}, orphan, None, "events of a room that has no row")
    heads: dict[str, str] = {}
    count = rows = 0
    for rid in rooms:
        with db.read() as s:
            got = check_room(s, key, rid)
        count += got.events
        rows += got.rows
        if got.fault:
            return AuditReport(
                False,
                count,
                heads,
                rid,
                got.bad_seq,
                got.fault,
                table=got.table,
                row=got.row,
                rows=rows,
            )
        heads[rid] = got.head
    return AuditReport(True, count, heads, rows=rows)


@frozen
class RoomCheck:
    """One room checked from its first event: the head (seq and hash), the state its events
    produce, and the first fault (empty when the chain verifies and every table matches)."""

    events: int
    seq: int
    head: str
    state: Any  # zopa.server.projection.State
    rows: int = 0
    fault: str = ""
    bad_seq: int | None = None
    table: str | None = None
    row: str | None = None


def check_room(s: Session, key: RoomKey, room_id: str) -> RoomCheck:
    """Verify ``room_id``'s keyed chain, replay it and compare every state table (in ``s``)."""
    from zopa.server.projection import actual_state, compare, replay

    events = list(
        s.scalars(
            select(AuditEvent)
            .where(AuditEvent.room_id == room_id)
            .order_by(AuditEvent.seq, AuditEvent.id)
        )
    )
    prev, want_seq = GENESIS, 1
    for n, ev in enumerate(events, 1):
        fault = _check(key, ev, prev, want_seq)
        if fault:
            return RoomCheck(n, 0, prev, None, fault=fault, bad_seq=ev.seq)
        prev, want_seq = ev.hash, ev.seq + 1
    if not events:
        return RoomCheck(0, 0, GENESIS, None, fault="the room has no events")
    expected = replay(room_id, events)
    actual = actual_state(s, room_id)
    rows = sum(len(t) for t in actual.values())
    diff = compare(expected, actual)
    if diff is not None:
        table, row, why = diff
        return RoomCheck(len(events), want_seq - 1, prev, expected, rows, why, None, table, row)
    return RoomCheck(len(events), want_seq - 1, prev, expected, rows)


def _check(key: RoomKey, ev: Any, prev: str, seq: int) -> str:
    """What is wrong with event ``ev`` (an ORM row or a Core row) as the event after ``prev``
    at ``seq``; the empty string when nothing is."""
    if ev.seq != seq:
        return f"event {seq} is missing (the next stored event is {ev.seq}): events were deleted"
    if ev.prev_hash != prev:
        return (
            "its previous hash does not match the event before it "
            "(an event was removed, inserted or altered)"
        )
    want = event_hash(key, prev, ev.room_id, ev.seq, ev.at, ev.actor, ev.action, ev.data)
    if want != ev.hash:
        return (
            "its content does not match its keyed hash (the event was altered, or the chain "
            "was rebuilt without the room key)"
        )
    return ""
