"""The room's state as a projection of its event log.

:func:`replay` folds a room's events into the rows every state table should hold; it reads
only the events (no table, no library code of the writers), so a row changed, inserted or
deleted behind the server's back shows as a difference. :func:`actual_state` reads the same
shape from the tables; :func:`compare` names the first table and row that differ.

State per table (key -> fields):

- ``rooms``: the room id -> title, SHA-256 of the public part, policy, key fingerprint, format
- ``members``: ``mediator`` or ``delegation:PARTY`` -> token hash, active, consent, MAC
- ``preferences``: party -> version, round, locked, SHA-256 of the sealed blob
- ``drafts``: draft id -> label, author, revises, package, version
- ``draft_versions``: ``DRAFT@vN`` -> package, cause
- ``amendments``: ref -> draft, party, base version, changes, status, decided version
- ``disclosures``: ref -> asker, kind, parties, counted, fingerprint, SHA-256 of the sealed blob
  (each asker's budget is the count of its counted disclosures, so it is checked with them)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zopa.server.db import (
    Amendment,
    AuditEvent,
    Disclosure,
    DraftRow,
    DraftVersion,
    Member,
    PreferenceRow,
    Room,
    dumps,
)

__all__ = ["State", "actual_state", "compare", "digest", "member_key", "replay"]

State = dict[str, dict[str, dict[str, Any]]]
TABLES = (
    "rooms",
    "members",
    "preferences",
    "drafts",
    "draft_versions",
    "amendments",
    "disclosures",
)


def digest(*blobs: bytes) -> str:
    h = hashlib.sha256()
    for b in blobs:
        h.update(len(b).to_bytes(8, "big"))
        h.update(b)
    return h.hexdigest()


def member_key(role: str, party: str | None) -> str:
    return "mediator" if role == "mediator" else f"delegation:{party}"


def _empty() -> State:
    return {t: {} for t in TABLES}


def replay(room_id: str, events: Iterable[AuditEvent], start: State | None = None) -> State:
    """The rows the room's events produce (after ``start``'s, when given: ``start`` itself is
    never changed, and rows are replaced, never changed in place, so a state can be shared)."""
    st = _empty() if start is None else {t: dict(start[t]) for t in TABLES}
    for ev in events:
        _apply(st, room_id, ev.action, json.loads(ev.data))
    return st


def _apply(st: State, room_id: str, action: str, d: dict[str, Any]) -> None:
    if action == "room.created":
        st["rooms"][room_id] = {
            "title": d["title"],
            "public_sha256": d["public_sha256"],
            "policy": dumps(d["policy"]),
            "key_fingerprint": d["key_fingerprint"],
            "format": d["format"],
        }
    elif action in ("member.added", "token.rotated"):
        k = member_key(d["role"], d.get("party"))
        old = st["members"].get(k, {"consent": False})
        st["members"][k] = {
            "token_hash": d["token_hash"],
            "active": True,
            "consent": old["consent"],
            "mac": d["mac"],
        }
    elif action == "token.revoked":
        k = member_key(d["role"], d.get("party"))
        st["members"][k] = {**st["members"][k], "active": False, "mac": d["mac"]}
    elif action == "consent.changed":
        k = member_key("delegation", d["party"])
        st["members"][k] = {**st["members"][k], "consent": d["acceptability"], "mac": d["mac"]}
    elif action == "preferences.entered":
        st["preferences"][d["party"]] = {
            "version": d["version"],
            "round": d["round"],
            "locked": False,
            "sealed_sha256": d["sealed_sha256"],
        }
    elif action == "disclosure":
        st["disclosures"][d["ref"]] = {
            k: d[k] for k in ("asker", "kind", "parties", "counted", "fingerprint")
        } | {"sealed_sha256": d["sealed_sha256"]}
        for party in d.get("locks", []):
            row = st["preferences"].get(party)
            if row is not None and row["version"] == d["basis"].get(party):
                st["preferences"][party] = {**row, "locked": True}
    elif action == "draft.created":
        st["drafts"][d["draft"]] = {
            "label": d["label"],
            "author": d.get("author"),
            "revises": d.get("revises"),
            "package": dumps(d["package"]),
            "version": 1,
        }
        st["draft_versions"][f"{d['draft']}@v1"] = {
            "package": dumps(d["package"]),
            "cause": "created",
        }
    elif action == "amendment.proposed":
        st["amendments"][d["amendment"]] = {
            "draft": d["draft"],
            "party": d["party"],
            "base_version": d["base_version"],
            "changes": dumps(d["changes"]),
            "status": "proposed",
            "decided_version": None,
        }
    elif action == "amendment.merged":
        draft = st["drafts"][d["draft"]]
        st["drafts"][d["draft"]] = {
            **draft,
            "version": d["version"],
            "package": dumps(d["package"]),
        }
        st["draft_versions"][f"{d['draft']}@v{d['version']}"] = {
            "package": dumps(d["package"]),
            "cause": "amendment merged",
        }
        am = st["amendments"][d["amendment"]]
        st["amendments"][d["amendment"]] = {
            **am,
            "status": "merged",
            "decided_version": d["version"],
        }
    elif action == "amendment.rejected":
        am = st["amendments"][d["amendment"]]
        st["amendments"][d["amendment"]] = {**am, "status": "rejected", "decided_version": None}


def actual_state(s: Session, room_id: str) -> State:
    """The rows the tables hold for ``room_id``, in :func:`replay`'s shape."""
    st = _empty()
    room = s.get(Room, room_id)
    if room is not None:
        st["rooms"][room_id] = {
            "title": room.title,
            "public_sha256": hashlib.sha256(room.public.encode()).hexdigest(),
            "policy": room.policy,
            "key_fingerprint": room.key_fingerprint,
            "format": room.format,
        }
    for m in s.scalars(select(Member).where(Member.room_id == room_id)):
        k = member_key(m.role, m.party_id)
        if k in st["members"]:
            k = f"{k} (a second row, id {m.id})"
        st["members"][k] = {
            "token_hash": m.token_hash,
            "active": bool(m.active),
            "consent": bool(m.consent_acceptability),
            "mac": m.mac,
        }
    for p in s.scalars(select(PreferenceRow).where(PreferenceRow.room_id == room_id)):
        st["preferences"][p.party_id] = {
            "version": p.version,
            "round": p.round,
            "locked": bool(p.locked),
            "sealed_sha256": digest(p.wrapped_key, p.ciphertext),
        }
    for r in s.scalars(select(DraftRow).where(DraftRow.room_id == room_id)):
        st["drafts"][r.draft_id] = {
            "label": r.label,
            "author": r.author,
            "revises": r.revises,
            "package": r.package,
            "version": r.version,
        }
    for v in s.scalars(select(DraftVersion).where(DraftVersion.room_id == room_id)):
        st["draft_versions"][f"{v.draft_id}@v{v.version}"] = {
            "package": v.package,
            "cause": v.cause,
        }
    for a in s.scalars(select(Amendment).where(Amendment.room_id == room_id)):
        st["amendments"][a.ref] = {
            "draft": a.draft_id,
            "party": a.party_id,
            "base_version": a.base_version,
            "changes": a.changes,
            "status": a.status,
            "decided_version": a.decided_version,
        }
    for x in s.scalars(select(Disclosure).where(Disclosure.room_id == room_id)):
        st["disclosures"][x.ref] = {
            "asker": x.asker,
            "kind": x.kind,
            "parties": json.loads(x.parties),
            "counted": bool(x.counted),
            "fingerprint": x.fingerprint,
            "sealed_sha256": digest(x.sealed),
        }
    return st


def compare(expected: State, actual: State) -> tuple[str, str, str] | None:
    """The first (table, row, reason) where the tables differ from the replay, or None."""
    for table in TABLES:
        want, got = expected[table], actual[table]
        for k in sorted(set(want) | set(got)):
            if k not in got:
                return table, k, f"table {table}, row {k}: produced by the events but missing"
            if k not in want:
                return table, k, f"table {table}, row {k}: no event produced this row (inserted)"
            for f in sorted(want[k]):
                if want[k][f] != got[k].get(f):
                    return (
                        table,
                        k,
                        f"table {table}, row {k}: {f} differs from what the events produce",
                    )
    return None
