"""The one place where the room builds answers: what each caller may see.

Routes and pages never read private data themselves; they call these functions, which

1. check the caller's role and the room's :class:`~zopa.server.policy.Policy`,
2. decrypt only the preferences the answer needs,
3. compute with the analysis library (:func:`zopa.analysis.analyze`,
   :func:`zopa.analysis.analyze.point`, :class:`~zopa.model.compiled.CompiledScenario`),
4. record every answer derived from a delegation's data in the disclosures log (shown to that
   delegation) and count answers given to anyone else against the room's budget.

The budget is checked *before* anything private is read, and a refusal depends only on the
public count, so a refusal itself reveals nothing. Asking the same question again on the same
preference versions repeats an answer already given and is not counted again.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zopa.analysis import Analysis, analyze
from zopa.analysis.analyze import point
from zopa.model.compiled import compile_scenario
from zopa.model.scenario import Scenario
from zopa.server import audit
from zopa.server.crypto import RoomKey
from zopa.server.db import (
    Amendment,
    AuditEvent,
    Database,
    Disclosure,
    DraftRow,
    DraftVersion,
    PreferenceRow,
    Room,
    dumps,
    now,
)
from zopa.server.rooms import (
    Caller,
    Forbidden,
    NotFound,
    RoomError,
    RoomInfo,
    load_room,
    private_scenario,
    read_preferences,
)
from zopa.vocab import option_label

__all__ = [
    "BudgetSpent",
    "NotReady",
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

T = TypeVar("T")


class BudgetSpent(RoomError):
    """The room's disclosure budget is used up (a count anyone in the room can see)."""

    status = 429


class NotReady(RoomError):
    status = 409


# ------------------------------------------------------------------------ response models


class OptionOut(BaseModel):
    id: str
    label: str


class IssueOut(BaseModel):
    id: str
    label: str
    description: str
    unit: str | None
    numeric: bool
    options: list[OptionOut]


class PartyOut(BaseModel):
    id: str
    label: str
    role: str
    power: float
    gates: bool


class DraftSummary(BaseModel):
    id: str
    label: str
    author: str | None
    revises: str | None
    version: int
    package: dict[str, str]


class RoomOut(BaseModel):
    room: str
    title: str
    description: str
    role: str
    party: str | None
    issues: list[IssueOut]
    parties: list[PartyOut]
    constraints: list[str]
    drafts: list[DraftSummary]
    readiness: dict[str, bool] | None  # party -> entered (mediator, if the policy says so)
    entered: bool | None  # a delegation: has it entered its preferences
    consent_acceptability: bool | None
    budget: dict[str, int]


class OwnPreferences(BaseModel):
    party: str
    version: int | None
    preferences: dict[str, Any] | None


class OverlapOut(BaseModel):
    ready: bool
    exists: bool | None
    waiting_for: list[str] | None = None
    zone_size: int | None = None
    zone_size_exact: bool | None = None
    suggestion: dict[str, Any] | None = None
    suggestion_rule: str | None = None
    budget: dict[str, int]


class VersionOut(BaseModel):
    version: int
    package: dict[str, str]
    cause: str
    at: str


class AmendmentOut(BaseModel):
    id: int
    party: str
    base_version: int
    changes: dict[str, Any]
    status: str
    created_at: str
    decided_version: int | None


class DraftOut(DraftSummary):
    versions: list[VersionOut]
    amendments: list[AmendmentOut]


class Comparison(BaseModel):
    against: str
    package_differs: bool
    utility_change: float
    better: bool | None  # None when equal


class FeedbackOut(BaseModel):
    draft: str
    version: int
    party: str
    utility: float
    reservation: float
    margin: float
    acceptable: bool
    red_lines_broken: list[str]
    constraints_violated: list[str]
    compared: list[Comparison]
    words: list[str]


class AcceptabilityOut(BaseModel):
    draft: str
    version: int
    parties: dict[str, bool | None]  # None: the party has not consented (or not entered)
    budget: dict[str, int]


class AuditOut(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    data: dict[str, Any]
    prev_hash: str
    hash: str


class DisclosureOut(BaseModel):
    id: int
    at: str
    asker: str
    kind: str
    question: dict[str, Any]
    answer: dict[str, Any]
    parties: list[str]
    counted: bool


# ------------------------------------------------------------------------ helpers


def _budget(info: RoomInfo, used: int | None = None) -> dict[str, int]:
    return {"used": info.budget_used if used is None else used, "limit": info.policy.budget}


def _entered(s: Session, room_id: str) -> dict[str, int]:
    rows = s.execute(
        select(PreferenceRow.party_id, PreferenceRow.version).where(
            PreferenceRow.room_id == room_id
        )
    )
    return {p: v for p, v in rows}


def _answer(
    db: Database,
    key: RoomKey,
    caller: Caller,
    kind: str,
    question: dict[str, Any],
    parties: tuple[str, ...],
    compute: Callable[[Session, RoomInfo, dict[str, tuple[int, dict[str, Any]]]], dict[str, Any]],
) -> tuple[dict[str, Any], dict[str, int]]:
    """Give an answer derived from ``parties``' preferences: budget first, then decrypt,
    compute and record. Returns the answer and the budget after it."""
    with db.read() as s:  # a repeat needs no write (most questions are repeats)
        info, fp, repeat = _fingerprint(s, caller, kind, question, parties)
        if repeat is not None:
            prefs = read_preferences(s, key, caller.room_id, parties)
            return compute(s, info, prefs), _budget(info)
    with db.write(caller.room_id) as s:
        info, fp, repeat = _fingerprint(s, caller, kind, question, parties)
        counted = repeat is None and any(p != caller.party_id for p in parties)
        if counted and info.budget_used >= info.policy.budget:
            raise BudgetSpent(
                f"the room's disclosure budget is spent ({info.budget_used} of "
                f"{info.policy.budget} answers); the policy sets it"
            )
        prefs = read_preferences(s, key, caller.room_id, parties)
        answer = compute(s, info, prefs)
        used = info.budget_used
        if repeat is None:
            d = Disclosure(
                room_id=caller.room_id,
                at=now(),
                asker=caller.name,
                kind=kind,
                question=dumps(question),
                answer=dumps(answer),
                parties=dumps(list(parties)),
                counted=counted,
                fingerprint=fp,
            )
            s.add(d)
            if counted:
                room = s.get(Room, caller.room_id)
                assert room is not None
                room.budget_used += 1
                used += 1
                s.flush()
                audit.append(
                    s,
                    caller.room_id,
                    caller.name,
                    "disclosure",
                    {"disclosure": d.id, "kind": kind, "question": question, "parties": parties},
                )
        return answer, _budget(info, used)


@functools.lru_cache(maxsize=64)
def _analyze(scenario: Scenario) -> Analysis:
    """The library's analysis, once per scenario (i.e. per set of preference versions)."""
    return analyze(scenario)


def _fingerprint(
    s: Session, caller: Caller, kind: str, question: dict[str, Any], parties: tuple[str, ...]
) -> tuple[RoomInfo, str, int | None]:
    """The room, the question's fingerprint (asker, question, preference versions used) and
    the disclosure that already answered it, if any."""
    info = load_room(s, caller.room_id)
    versions = _entered(s, caller.room_id)
    basis = dumps({p: versions.get(p) for p in parties})
    fp = hashlib.sha256(f"{caller.name}|{kind}|{dumps(question)}|{basis}".encode()).hexdigest()
    repeat = s.scalar(
        select(Disclosure.id)
        .where(Disclosure.room_id == caller.room_id, Disclosure.fingerprint == fp)
        .limit(1)
    )
    return info, fp, repeat


def _accepts(scenario: Scenario, party: str, package: Mapping[str, str]) -> dict[str, Any]:
    """One party's view of a package, with the library's utilities (zopa.analysis.point)."""
    cs = compile_scenario(scenario)
    p = cs.party_ids.index(party)
    idx = scenario.indices(package)
    pt = point(cs, idx)
    broken = cs.broken(idx)[p]
    violated = cs.violated_constraints(idx)
    u = float(pt.utilities[party])
    r = float(cs.reservation[p])
    return {
        "utility": round(u, 6),
        "reservation": round(r, 6),
        "margin": round(u - r, 6),
        "acceptable": not broken and u >= r and not violated,
        "red_lines_broken": list(broken),
        "constraints_violated": list(violated),
    }


# ------------------------------------------------------------------------ public answers


def room(db: Database, caller: Caller) -> RoomOut:
    """The public skeleton and the caller's role (plus readiness where the policy allows)."""
    with db.read() as s:
        info = load_room(s, caller.room_id)
        entered = _entered(s, caller.room_id)
        rows = _draft_rows(s, caller.room_id)
        consent = None
        if caller.role == "delegation":
            from zopa.server.db import Member

            m = s.get(Member, caller.member_id)
            consent = bool(m and m.consent_acceptability)
    sc = info.scenario
    readiness = None
    if caller.role == "mediator" and info.policy.mediator.readiness:
        readiness = {p.id: p.id in entered for p in sc.parties}
    return RoomOut(
        room=info.id,
        title=sc.title,
        description=sc.description,
        role=caller.role,
        party=caller.party_id,
        issues=[
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
        parties=[
            PartyOut(id=p.id, label=p.label, role=p.role, power=p.power, gates=p.gates)
            for p in sc.parties
        ],
        constraints=[r.text for r in sc.constraints],
        drafts=[_summary(r) for r in rows],
        readiness=readiness,
        entered=(caller.party_id in entered) if caller.role == "delegation" else None,
        consent_acceptability=consent,
        budget=_budget(info),
    )


def policy(db: Database, caller: Caller) -> dict[str, Any]:
    with db.read() as s:
        return load_room(s, caller.room_id).policy.to_dict()


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


def drafts(db: Database, caller: Caller) -> list[DraftSummary]:
    with db.read() as s:
        load_room(s, caller.room_id)
        return [_summary(r) for r in _draft_rows(s, caller.room_id)]


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
        ams = s.scalars(q.order_by(Amendment.id))
        return DraftOut(
            **_summary(row).model_dump(),
            versions=[
                VersionOut(version=v.version, package=json.loads(v.package), cause=v.cause, at=v.at)
                for v in versions
            ],
            amendments=[
                AmendmentOut(
                    id=a.id,
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
            .where(AuditEvent.room_id == caller.room_id, AuditEvent.seq > after)
            .order_by(AuditEvent.seq)
            .limit(limit)
        )
        return [
            AuditOut(
                seq=e.seq,
                at=e.at,
                actor=e.actor,
                action=e.action,
                data=json.loads(e.data),
                prev_hash=e.prev_hash,
                hash=e.hash,
            )
            for e in rows
        ]


def disclosures(db: Database, caller: Caller) -> list[DisclosureOut]:
    """For a delegation: every answer derived from its data. For the mediator: every answer it
    was given."""
    with db.read() as s:
        q = select(Disclosure).where(Disclosure.room_id == caller.room_id)
        rows = list(s.scalars(q.order_by(Disclosure.id)))
    out = []
    for d in rows:
        parties = json.loads(d.parties)
        mine = caller.party_id in parties if caller.role == "delegation" else d.asker == "mediator"
        if not mine:
            continue
        answer = json.loads(d.answer)
        if caller.role == "delegation" and d.asker != caller.name:
            answer = _about(answer, caller.party_id)
        out.append(
            DisclosureOut(
                id=d.id,
                at=d.at,
                asker=d.asker,
                kind=d.kind,
                question=json.loads(d.question),
                answer=answer,
                parties=parties,
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
    """A delegation's own preferences, as it entered them."""
    if caller.role != "delegation" or caller.party_id is None:
        raise Forbidden("only a delegation has preferences here")
    with db.read() as s:
        got = read_preferences(s, key, caller.room_id, (caller.party_id,))
    if caller.party_id not in got:
        return OwnPreferences(party=caller.party_id, version=None, preferences=None)
    v, payload = got[caller.party_id]
    return OwnPreferences(party=caller.party_id, version=v, preferences=payload["preferences"])


def overlap(db: Database, key: RoomKey, caller: Caller) -> OverlapOut:
    """Is there an agreement zone? As much as the policy lets this caller know."""
    with db.read() as s:
        info = load_room(s, caller.room_id)
        entered = _entered(s, caller.room_id)
    pol = info.policy
    allowed = pol.mediator.overlap if caller.role == "mediator" else pol.delegations.overlap
    if not allowed:
        raise Forbidden("the room's policy does not let you ask about the overlap")
    gating = tuple(p.id for p in info.scenario.gating)
    waiting = [p for p in gating if p not in entered]
    show_waiting = caller.role == "mediator" and pol.mediator.readiness
    if waiting:
        return OverlapOut(
            ready=False,
            exists=None,
            waiting_for=waiting if show_waiting else None,
            budget=_budget(info),
        )
    mediator = caller.role == "mediator"
    size = mediator and pol.mediator.zone_size
    rule = pol.mediator.suggestion if mediator else "none"

    def compute(
        s: Session, info: RoomInfo, prefs: dict[str, tuple[int, dict[str, Any]]]
    ) -> dict[str, Any]:
        result = _analyze(private_scenario(info, prefs))
        out: dict[str, Any] = {"exists": result.zone.exists}
        if size:
            out["zone_size"] = result.zone.size
            out["zone_size_exact"] = result.zone.exact
        if rule != "none":
            sol = result.solutions.get(rule)
            out["suggestion"] = None if sol is None else {k: str(v) for k, v in sol.package.items()}
            out["suggestion_rule"] = rule
        return out

    answer, budget = _answer(db, key, caller, "overlap", {}, gating, compute)
    return OverlapOut(ready=True, waiting_for=[] if show_waiting else None, budget=budget, **answer)


def _version_package(s: Session, room_id: str, draft_id: str, version: int | None) -> VersionOut:
    q = select(DraftVersion).where(
        DraftVersion.room_id == room_id, DraftVersion.draft_id == draft_id
    )
    if version is not None:
        q = q.where(DraftVersion.version == version)
    v = s.scalars(q.order_by(DraftVersion.version.desc()).limit(1)).first()
    if v is None:
        if s.scalar(
            select(func.count())
            .select_from(DraftRow)
            .where(DraftRow.room_id == room_id, DraftRow.draft_id == draft_id)
        ):
            raise NotFound(f"draft `{draft_id}` has no version {version}")
        raise NotFound(f"no draft `{draft_id}` in this room")
    return VersionOut(version=v.version, package=json.loads(v.package), cause=v.cause, at=v.at)


def _earlier_text(s: Session, room_id: str, draft_id: str, version: int) -> VersionOut | None:
    """The last version before ``version`` whose text differs from it."""
    rows = list(
        s.scalars(
            select(DraftVersion)
            .where(
                DraftVersion.room_id == room_id,
                DraftVersion.draft_id == draft_id,
                DraftVersion.version <= version,
            )
            .order_by(DraftVersion.version.desc())
        )
    )
    if not rows:
        return None
    current = rows[0].package
    for v in rows[1:]:
        if v.package != current:
            return VersionOut(
                version=v.version, package=json.loads(v.package), cause=v.cause, at=v.at
            )
    return None


def feedback(
    db: Database, key: RoomKey, caller: Caller, draft_id: str, version: int | None = None
) -> FeedbackOut:
    """What a draft version means for the calling delegation, and for it only."""
    if caller.role != "delegation" or caller.party_id is None:
        raise Forbidden("feedback is for a delegation about itself")
    party = caller.party_id
    with db.read() as s:
        info = load_room(s, caller.room_id)
        if not info.policy.delegations.feedback:
            raise Forbidden("the room's policy gives no feedback on drafts")
        if party not in _entered(s, caller.room_id):
            raise NotReady("enter your preferences first (PUT /api/rooms/{room}/preferences)")
        this = _version_package(s, caller.room_id, draft_id, version)
        before = _earlier_text(s, caller.room_id, draft_id, this.version)
        row = s.scalars(
            select(DraftRow).where(
                DraftRow.room_id == caller.room_id, DraftRow.draft_id == draft_id
            )
        ).one()
        revised = None
        if row.revises:
            revised = _version_package(s, caller.room_id, row.revises, None)
    others: list[tuple[str, dict[str, str]]] = []
    if before is not None:
        others.append((f"{draft_id} v{before.version}", before.package))
    if revised is not None:
        others.append((f"{row.revises} v{revised.version}", revised.package))

    def compute(
        s: Session, info: RoomInfo, prefs: dict[str, tuple[int, dict[str, Any]]]
    ) -> dict[str, Any]:
        sc = private_scenario(info, prefs)
        mine = _accepts(sc, party, this.package)
        compared = []
        for name, pkg in others:
            theirs = _accepts(sc, party, pkg)
            delta = round(mine["utility"] - theirs["utility"], 6)
            compared.append(
                {
                    "against": name,
                    "package_differs": pkg != this.package,
                    "utility_change": delta,
                    "better": None if abs(delta) < 1e-9 else delta > 0,
                }
            )
        return {**mine, "compared": compared}

    question = {"draft": draft_id, "version": this.version}
    answer, _ = _answer(db, key, caller, "feedback", question, (party,), compute)
    return FeedbackOut(
        draft=draft_id,
        version=this.version,
        party=party,
        compared=[Comparison(**c) for c in answer["compared"]],
        words=_words(draft_id, this.version, answer),
        **{k: v for k, v in answer.items() if k != "compared"},
    )


def _words(draft_id: str, version: int, a: Mapping[str, Any]) -> list[str]:
    out = [
        f"{draft_id} v{version} gives you {a['utility']:.3f} against your walk-away "
        f"{a['reservation']:.3f}: " + ("acceptable to you" if a["acceptable"] else "not acceptable")
    ]
    for r in a["red_lines_broken"]:
        out.append(f"breaks your red line `{r}`")
    for c in a["constraints_violated"]:
        out.append(f"breaks the room's constraint `{c}`")
    for c in a["compared"]:
        if c["better"] is None:
            out.append(f"as good for you as {c['against']}")
        else:
            word = "better" if c["better"] else "worse"
            out.append(f"{word} for you than {c['against']} ({c['utility_change']:+.3f})")
    return out


def acceptability(db: Database, key: RoomKey, caller: Caller, draft_id: str) -> AcceptabilityOut:
    """Per-party acceptability of a draft's current version, for parties that consented."""
    if caller.role != "mediator":
        raise Forbidden("only the mediator asks whether parties accept a draft")
    with db.read() as s:
        info = load_room(s, caller.room_id)
        if info.policy.mediator.acceptability != "consent":
            raise Forbidden("the room's policy never tells the mediator who accepts a draft")
        this = _version_package(s, caller.room_id, draft_id, None)
        from zopa.server.db import Member

        consenting = set(
            s.scalars(
                select(Member.party_id).where(
                    Member.room_id == caller.room_id,
                    Member.role == "delegation",
                    Member.consent_acceptability.is_(True),
                )
            )
        )
        entered = _entered(s, caller.room_id)
    parties = tuple(p.id for p in info.scenario.parties if p.id in consenting and p.id in entered)

    def compute(
        s: Session, info: RoomInfo, prefs: dict[str, tuple[int, dict[str, Any]]]
    ) -> dict[str, Any]:
        if not parties:
            return {"parties": {}}
        sc = private_scenario(info, prefs)
        return {"parties": {p: bool(_accepts(sc, p, this.package)["acceptable"]) for p in parties}}

    question = {"draft": draft_id, "version": this.version}
    if parties:
        answer, budget = _answer(db, key, caller, "acceptability", question, parties, compute)
    else:
        answer, budget = {"parties": {}}, _budget(info)
    shown: dict[str, bool | None] = {p.id: None for p in info.scenario.parties}
    shown.update(answer["parties"])
    return AcceptabilityOut(draft=draft_id, version=this.version, parties=shown, budget=budget)
