"""The audit trail: an append-only, hash-chained log of every change, per room.

Event ``n`` stores ``hash = SHA-256(prev_hash || canonical JSON of (room, seq, at, actor,
action, data))`` with ``prev_hash`` the hash of event ``n - 1`` (64 zeros for the first), so
editing, deleting or reordering any stored event breaks every later link. :func:`verify`
recomputes the chain and names the first event that does not match. Truncating the tail is
only visible against a head hash kept elsewhere: :func:`verify` reports each room's head.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zopa.server.crypto import RoomKey
from zopa.server.db import AuditEvent, Database, dumps, now

__all__ = ["GENESIS", "AuditReport", "append", "event_hash", "verify", "verify_commitments"]

GENESIS = "0" * 64


def event_hash(
    prev_hash: str, room_id: str, seq: int, at: str, actor: str, action: str, data: str
) -> str:
    body = dumps({"room": room_id, "seq": seq, "at": at, "actor": actor, "action": action})
    return hashlib.sha256(f"{prev_hash}|{body}|{data}".encode()).hexdigest()


def append(s: Session, room_id: str, actor: str, action: str, data: dict[str, Any]) -> AuditEvent:
    """Add the next event of ``room_id``'s chain (inside the caller's write transaction)."""
    last = s.scalars(
        select(AuditEvent)
        .where(AuditEvent.room_id == room_id)
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    seq = 1 if last is None else last.seq + 1
    prev = GENESIS if last is None else last.hash
    at = now()
    text = dumps(data)
    ev = AuditEvent(
        room_id=room_id,
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        data=text,
        prev_hash=prev,
        hash=event_hash(prev, room_id, seq, at, actor, action, text),
    )
    s.add(ev)
    s.flush()
    return ev


@dataclass(frozen=True)
class AuditReport:
    """The outcome of :func:`verify`: ``ok``, events checked, heads, and the first fault."""

    ok: bool
    events: int
    heads: dict[str, str] = field(default_factory=dict)  # room -> hash of its last event
    bad_room: str | None = None
    bad_seq: int | None = None
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": self.ok, "events": self.events, "heads": dict(self.heads)}
        if not self.ok:
            out["first_bad"] = {"room": self.bad_room, "seq": self.bad_seq, "reason": self.reason}
        return out


def verify(db: Database, room_id: str | None = None) -> AuditReport:
    """Recompute every room's chain (or one room's) from the first event."""
    q = select(AuditEvent).order_by(AuditEvent.room_id, AuditEvent.seq, AuditEvent.id)
    if room_id is not None:
        q = q.where(AuditEvent.room_id == room_id)
    heads: dict[str, str] = {}
    seqs: dict[str, int] = {}
    count = 0
    with db.read() as s:
        for ev in s.scalars(q).yield_per(1000):
            count += 1
            fault = _check(ev, heads.get(ev.room_id, GENESIS), seqs.get(ev.room_id, 0) + 1)
            if fault:
                return AuditReport(False, count, heads, ev.room_id, ev.seq, fault)
            heads[ev.room_id] = ev.hash
            seqs[ev.room_id] = ev.seq
    return AuditReport(True, count, heads)


def _check(ev: AuditEvent, prev: str, seq: int) -> str:
    if ev.seq != seq:
        return f"event {seq} is missing (the next stored event is {ev.seq}): events were deleted"
    if ev.prev_hash != prev:
        return (
            "its previous hash does not match the event before it "
            "(an event was removed, inserted or altered)"
        )
    want = event_hash(prev, ev.room_id, ev.seq, ev.at, ev.actor, ev.action, ev.data)
    if want != ev.hash:
        return "its content does not match its hash (the event was altered)"
    return ""


def commitment(salt: str, obj: Any) -> str:
    """The salted hash a preferences event commits to (red lines, or the whole block)."""
    return hashlib.sha256(f"{salt}|{dumps(obj)}".encode()).hexdigest()


def verify_commitments(db: Database, key: RoomKey, room_id: str | None = None) -> AuditReport:
    """Check that each delegation's stored (sealed) preferences are the ones its last
    ``preferences.entered`` event committed to: a later change to the stored data shows."""
    from zopa.server.db import Room
    from zopa.server.rooms import read_preferences

    checked = 0
    with db.read() as s:
        q = select(Room.id) if room_id is None else select(Room.id).where(Room.id == room_id)
        for rid in list(s.scalars(q)):
            last: dict[str, AuditEvent] = {}
            for ev in s.scalars(
                select(AuditEvent)
                .where(AuditEvent.room_id == rid, AuditEvent.action == "preferences.entered")
                .order_by(AuditEvent.seq)
            ):
                last[json.loads(ev.data)["party"]] = ev
            for party, (version, payload) in read_preferences(s, key, rid).items():
                checked += 1
                got = last.get(party)
                if got is None:
                    return AuditReport(
                        False, checked, {}, rid, None, f"{party}'s preferences have no audit event"
                    )
                data = json.loads(got.data)
                salt, block = payload["salt"], payload["preferences"]
                red = block.get("red_lines", []) if isinstance(block, dict) else []
                if (
                    data.get("version") != version
                    or data.get("red_lines_commitment") != commitment(salt, red)
                    or data.get("preferences_commitment") != commitment(salt, block)
                ):
                    return AuditReport(
                        False,
                        checked,
                        {},
                        rid,
                        got.seq,
                        f"{party}'s stored preferences do not match what this event committed to",
                    )
    return AuditReport(True, checked)
