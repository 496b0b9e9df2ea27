"""The one place where the room builds what each caller may see.

Routes and pages never read private data themselves. Public views (the skeleton, drafts,
the audit trail, the disclosures list) are built here; every answer derived from private data
is a registered question of :mod:`zopa.server.questions` (:func:`overlap`, :func:`feedback` and
:func:`acceptability` below only name one), which checks the policy, computes outside the write
lock, seals and records the answer for each delegation whose data it used.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zopa.server.crypto import RoomKey
from zopa.server.db import (
    Amendment,
    AuditEvent,
    Database,
    Disclosure,
    DraftRow,
    DraftVersion,
    PreferenceRow,
)
from zopa.server.questions import (
    BudgetSpent,
    NotReady,
    ask,
    disclosure_context,
)
from zopa.server.rooms import Caller, Forbidden, NotFound, load_room, read_preferences
from zopa.server.schemas import (
    AcceptabilityOut,
    AmendmentOut,
    AuditOut,
    Comparison,
    DisclosureOut,
    DraftOut,
    DraftSummary,
    FeedbackOut,
    IssueOut,
    OptionOut,
    OverlapOut,
    OwnPreferences,
    PartyOut,
    RoomOut,
    VersionOut,
)
from zopa.server.view import View, room_view
from zopa.vocab import option_label

__all__ = [
    "AcceptabilityOut",
    "AmendmentOut",
    "AuditOut",
    "BudgetSpent",
    "Comparison",
    "DisclosureOut",
    "DraftOut",
    "DraftSummary",
    "FeedbackOut",
    "NotReady",
    "OverlapOut",
    "OwnPreferences",
    "RoomOut",
    "VersionOut",
    "acceptability",
    "audit_log",
    "disclosures",
    "draft",
    "drafts",
    "feedback",
    "overlap",
    "own_preferences",
    "policy",
    "room",
]

_PRIVATE_ACTIONS = ("disclosure",)
# a delegation's own questions are not shown to the mediator; the questions whose parties are
# public (the gating delegations) may name them on a disclosure
_PUBLIC_PARTIES = ("overlap",)


# ------------------------------------------------------------------------ public answers


def _view(db: Database, caller: Caller) -> View:
    """The room's view at the head the caller's authentication read (no more reads), or at the
    head a read transaction sees."""
    view: View | None = db.pinned(caller.room_id)
    if view is None:
        with db.read() as s:
            view = room_view(s, caller.room_id)
    return view


_skeletons: dict[int, tuple[Any, tuple[list[IssueOut], list[PartyOut], list[str]]]] = {}


def _skeleton(info: Any) -> tuple[list[IssueOut], list[PartyOut], list[str]]:
    """The issues, parties and constraints every member sees, built once per room skeleton
    (:func:`zopa.server.rooms.room_info` keeps one object per room text)."""
    hit = _skeletons.get(id(info))
    if hit is not None and hit[0] is info:
        return hit[1]
    sc = info.scenario
    got = (
        [
            IssueOut(
                id=i.id,
                label=i.label,
                description=i.description,
                unit=i.unit,
                numeric=i.numeric,
                options=[
                    OptionOut(id=o.id, label=option_label(i, k)) for k, o in enumerate(i.options)
                ],
            )
            for i in sc.issues
        ],
        [
            PartyOut(id=p.id, label=p.label, role=p.role, power=p.power, gates=p.gates)
            for p in sc.parties
        ],
        [r.text for r in sc.constraints],
    )
    if len(_skeletons) >= 64:
        _skeletons.clear()
    _skeletons[id(info)] = (info, got)
    return got


def room(db: Database, caller: Caller) -> RoomOut:
    """The public skeleton and the caller's role (plus readiness where the policy allows)."""
    view = _view(db, caller)
    info = view.info
    entered = view.entered
    consent = None
    if caller.role == "delegation":
        m = view.member("delegation", caller.party_id)
        consent = bool(m and m["consent"])
    bud = view.budget(caller.name)
    rounds = {p: int(r["round"]) for p, r in view.state["preferences"].items()}
    rows = view.state["drafts"]
    sc = info.scenario
    skeleton = _skeleton(info)
    readiness = None
    if caller.role == "mediator" and info.policy.mediator.readiness:
        readiness = {p.id: p.id in entered for p in sc.parties}
    return RoomOut(
        room=info.id,
        title=sc.title,
        description=sc.description,
        role=caller.role,
        party=caller.party_id,
        issues=skeleton[0],
        parties=skeleton[1],
        constraints=skeleton[2],
        drafts=[_view_summary(d, r) for d, r in rows.items()],
        readiness=readiness,
        entered=(caller.party_id in entered) if caller.role == "delegation" else None,
        consent_acceptability=consent,
        budget=bud,
        rounds=rounds,
        notices=[
            f"{p.label} revised its preferences after answers had used them: round {rounds[p.id]}"
            for p in sc.parties
            if rounds.get(p.id, 1) > 1
        ],
    )


def policy(db: Database, caller: Caller) -> dict[str, Any]:
    out: dict[str, Any] = _view(db, caller).info.policy.to_dict()
    return out


def _draft_rows(s: Session, room_id: str) -> list[DraftRow]:
    return list(
        s.scalars(select(DraftRow).where(DraftRow.room_id == room_id).order_by(DraftRow.id))
    )


def _summary(r: DraftRow) -> DraftSummary:
    return DraftSummary(
        id=r.draft_id,
        label=r.label,
        author=r.author,
        revises=r.revises,
        version=r.version,
        package=json.loads(r.package),
    )


def _view_summary(draft_id: str, r: dict[str, Any]) -> DraftSummary:
    return DraftSummary(
        id=draft_id,
        label=r["label"],
        author=r["author"],
        revises=r["revises"],
        version=r["version"],
        package=json.loads(r["package"]),
    )


def drafts(db: Database, caller: Caller) -> list[DraftSummary]:
    """Every draft with its current version (in the order they were circulated)."""
    view = _view(db, caller)
    return [_view_summary(d, r) for d, r in view.state["drafts"].items()]


def draft(db: Database, caller: Caller, draft_id: str) -> DraftOut:
    """A draft with its version history and amendments (a delegation sees only its own)."""
    with db.read() as s:
        row = s.scalars(
            select(DraftRow).where(
                DraftRow.room_id == caller.room_id, DraftRow.draft_id == draft_id
            )
        ).first()
        if row is None:
            raise NotFound(f"no draft `{draft_id}` in this room")
        versions = s.scalars(
            select(DraftVersion)
            .where(DraftVersion.room_id == caller.room_id, DraftVersion.draft_id == draft_id)
            .order_by(DraftVersion.version)
        )
        q = select(Amendment).where(
            Amendment.room_id == caller.room_id, Amendment.draft_id == draft_id
        )
        if caller.role != "mediator":
            q = q.where(Amendment.party_id == caller.party_id)
        ams = s.scalars(q.order_by(Amendment.created_at, Amendment.ref))
        return DraftOut(
            **_summary(row).model_dump(),
            versions=[
                VersionOut(version=v.version, package=json.loads(v.package), cause=v.cause, at=v.at)
                for v in versions
            ],
            amendments=[
                AmendmentOut(
                    id=a.ref,
                    party=a.party_id,
                    base_version=a.base_version,
                    changes=json.loads(a.changes),
                    status=a.status,
                    created_at=a.created_at,
                    decided_version=a.decided_version,
                )
                for a in ams
            ],
        )


def audit_log(db: Database, caller: Caller, limit: int = 1000, after: int = 0) -> list[AuditOut]:
    if caller.role != "mediator":
        raise Forbidden("only the mediator reads the audit log")
    with db.read() as s:
        rows = s.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.room_id == caller.room_id,
                AuditEvent.seq > after,
                ~(AuditEvent.action.in_(_PRIVATE_ACTIONS) & AuditEvent.actor.like("delegation:%")),
            )
            .order_by(AuditEvent.seq)
            .limit(limit)
        )
        return [
            AuditOut(
                seq=e.seq,
                at=e.at,
                actor=e.actor,
                action=e.action,
                data=_shown(json.loads(e.data)),
                prev_hash=e.prev_hash,
                hash=e.hash,
            )
            for e in rows
        ]


def _shown(data: dict[str, Any]) -> dict[str, Any]:
    """An event's data as the audit view shows it (token hashes and row tags left out)."""
    return {k: v for k, v in data.items() if k not in ("token_hash", "mac")}


def disclosures(db: Database, caller: Caller, key: RoomKey | None = None) -> list[DisclosureOut]:
    """For a delegation: every answer derived from its data (an answer given to someone else is
    shown as far as it is about this delegation, and never says whose other data it used). For
    the mediator: every answer it was given."""
    if key is None:
        from zopa.server.db import guard_of

        with db.read() as s:
            key = guard_of(s).key
    assert key is not None, "disclosures are sealed: the room key is needed"
    with db.read() as s:
        load_room(s, caller.room_id)
        q = select(Disclosure).where(Disclosure.room_id == caller.room_id)
        if caller.role == "mediator":
            q = q.where(Disclosure.asker == "mediator")
        rows = list(s.scalars(q.order_by(Disclosure.at, Disclosure.ref)))
    out = []
    for d in rows:
        parties = json.loads(d.parties)
        if caller.role == "delegation" and caller.party_id not in parties:
            continue
        ctx = disclosure_context(caller.room_id, d.ref, d.asker, parties)
        opened = json.loads(key.open_value(d.sealed, ctx))
        answer, shown_parties = opened["answer"], parties
        if caller.role == "delegation" and d.asker != caller.name:
            answer = _about(answer, caller.party_id)
            if d.kind not in _PUBLIC_PARTIES:  # who else was used would say who consented
                shown_parties = [caller.party_id]
        out.append(
            DisclosureOut(
                id=d.ref,
                at=d.at,
                asker=d.asker,
                kind=d.kind,
                question=opened["question"],
                answer=answer,
                parties=shown_parties,
                counted=d.counted,
            )
        )
    return out


def _about(answer: dict[str, Any], party: str | None) -> dict[str, Any]:
    """An answer given to someone else, as shown to one of the parties whose data it used:
    per-party entries about other parties are left out."""
    if "parties" in answer and isinstance(answer["parties"], dict):
        return {**answer, "parties": {k: v for k, v in answer["parties"].items() if k == party}}
    return answer


# ------------------------------------------------------------------------ private answers


def own_preferences(db: Database, key: RoomKey, caller: Caller) -> OwnPreferences:
    """A delegation's own preferences, as it entered them, with its round and lock."""
    if caller.role != "delegation" or caller.party_id is None:
        raise Forbidden("only a delegation has preferences here")
    with db.read() as s:
        info = load_room(s, caller.room_id)
        got = read_preferences(s, key, caller.room_id, (caller.party_id,))
        row = s.scalars(
            select(PreferenceRow).where(
                PreferenceRow.room_id == caller.room_id,
                PreferenceRow.party_id == caller.party_id,
            )
        ).first()
    if caller.party_id not in got or row is None:
        return OwnPreferences(party=caller.party_id, version=None, preferences=None)
    v, payload = got[caller.party_id]
    left = info.policy.rounds - row.round
    return OwnPreferences(
        party=caller.party_id,
        version=v,
        preferences=payload["preferences"],
        round=row.round,
        locked=row.locked,
        rounds_left=max(0, left),
    )


def overlap(db: Database, key: RoomKey, caller: Caller) -> OverlapOut:
    """Is there an agreement zone? As much as the policy lets this caller know."""
    got = ask(db, key, caller, "overlap")
    assert isinstance(got, OverlapOut)
    return got


def feedback(
    db: Database, key: RoomKey, caller: Caller, draft_id: str, version: int | None = None
) -> FeedbackOut:
    """What a draft version means for the calling delegation, and for it only."""
    got = ask(db, key, caller, "feedback", draft=draft_id, version=version)
    assert isinstance(got, FeedbackOut)
    return got


def acceptability(db: Database, key: RoomKey, caller: Caller, draft_id: str) -> AcceptabilityOut:
    """Per-party acceptability of a draft's current version, for parties that consented."""
    got = ask(db, key, caller, "acceptability", draft=draft_id)
    assert isinstance(got, AcceptabilityOut)
    return got
