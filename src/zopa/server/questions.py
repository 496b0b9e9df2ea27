"""The registry of disclosure questions: every answer derived from private data goes through here.

A :class:`Question` is one registered object: its *gate* (may this caller ask, under the room's
policy), its *plan* (read from public state only: the question as recorded, whose data it uses,
and an answer that needs no private data, such as "not ready"), its *compute* (a pure function
of the room's scenario with those delegations' preferences), and its *response* model. Routes and
pages only call :func:`ask` with a registered name; a new question is one entry in
:data:`QUESTIONS` (plus its route and page; see docs/architecture.md, "Where to add things").

:func:`ask` runs every question the same way:

1. gate and plan on a read snapshot; a repeat of a question already answered on the same
   preference versions (and the same consents) returns the sealed answer given then;
2. the asker's budget (answers that used *others'* data, per asker) is checked before anything
   private is read, and the refusal depends only on the asker's own count;
3. the preferences are decrypted and the answer computed *outside* the write lock;
4. in one write transaction the plan is made again: if any preference version or consent it
   used has changed (a withdrawal committed meanwhile), the answer is discarded and recomputed;
   otherwise it is sealed (AES-GCM, associated data naming room, asker, parties and record),
   recorded for each delegation whose data it used, counted, and the preferences of an answer
   given to someone else are *locked* (a later change opens a new round that every member
   sees), all with its event, before it is released.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import field
from typing import Any

from pydantic import BaseModel
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from zopa.analysis import Analysis, analyze
from zopa.analysis.analyze import point
from zopa.errors import ZopaError
from zopa.model.compiled import compile_scenario
from zopa.model.scenario import Scenario
from zopa.records import frozen
from zopa.server import audit
from zopa.server.crypto import RoomKey
from zopa.server.db import (
    QUICK,
    Database,
    Disclosure,
    PreferenceRow,
    Slow,
    guard_of,
    now,
)
from zopa.server.projection import digest
from zopa.server.rooms import (
    Caller,
    Forbidden,
    NotFound,
    RoomError,
    RoomInfo,
    new_ref,
    private_scenario,
    read_preferences,
)
from zopa.server.schemas import (
    AcceptabilityOut,
    Comparison,
    FeedbackOut,
    OverlapOut,
)
from zopa.server.view import View, refuse, room_view

__all__ = [
    "PRECISION",
    "QUESTIONS",
    "BudgetSpent",
    "NotReady",
    "Plan",
    "Question",
    "ask",
    "budget",
    "disclosure_context",
    "entered_versions",
]

PRECISION = 6  # digits of what the room derives: a privacy rule (no 7th-digit canaries leak)
_RETRIES = 3


class BudgetSpent(RoomError):
    """The asker's disclosure budget is used up (a count only the asker's own answers move)."""

    status = 429


class NotReady(RoomError):
    status = 409


Prefs = dict[str, tuple[int, dict[str, Any]]]


@frozen
class Plan:
    """What a question needs, read from public state: the question as recorded, the parties
    whose data it uses, the pure computation, and how the answer becomes the response."""

    question: dict[str, Any]
    parties: tuple[str, ...]
    compute: Callable[[Scenario], dict[str, Any]] | None
    respond: Callable[[dict[str, Any], dict[str, int]], BaseModel]
    early: BaseModel | None = None  # an answer that needs no private data


@frozen
class Question:
    name: str
    response: type[BaseModel]
    gate: Callable[[RoomInfo, Caller], str | None]  # None, or why the caller may not ask
    plan: Callable[[View, Caller, Mapping[str, Any]], Plan]
    description: str = ""
    params: tuple[str, ...] = field(default_factory=tuple)


# ------------------------------------------------------------------------ the engine


def entered_versions(s: Session, room_id: str) -> dict[str, int]:
    rows = s.execute(
        select(PreferenceRow.party_id, PreferenceRow.version).where(
            PreferenceRow.room_id == room_id
        )
    )
    return {p: v for p, v in rows}


def budget(s: Session, info: RoomInfo, caller: Caller) -> dict[str, int]:
    """The caller's own budget: answers it was given that used others' data."""
    used = s.scalar(
        select(func.count())
        .select_from(Disclosure)
        .where(
            Disclosure.room_id == info.id,
            Disclosure.asker == caller.name,
            Disclosure.counted.is_(True),
        )
    )
    return {"used": int(used or 0), "limit": info.policy.budget}


def disclosure_context(room_id: str, ref: str, asker: str, parties: list[str]) -> str:
    return f"zopa-room:{room_id}:disclosure:{ref}:asker:{asker}:parties:{','.join(parties)}"


@frozen
class _Basis:
    view: View
    plan: Plan
    fingerprint: str
    versions: dict[str, int]
    repeat: str | None  # the ref of the answer given to this very question before

    @property
    def info(self) -> RoomInfo:
        info: RoomInfo = self.view.info
        return info


def _basis(view: View, q: Question, caller: Caller, params: Mapping[str, Any]) -> _Basis:
    why = q.gate(view.info, caller)
    if why:
        raise Forbidden(why)
    plan = q.plan(view, caller, params)
    used = {p: view.entered.get(p) for p in plan.parties}
    fp = hashlib.sha256(
        f"{caller.name}|{q.name}|{_dumps(plan.question)}|{_dumps(used)}".encode()
    ).hexdigest()
    repeat = view.answered.get(fp)
    return _Basis(view, plan, fp, {p: v for p, v in used.items() if v is not None}, repeat)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


_DISCLOSURES = Disclosure.__table__
_ANSWER = select(_DISCLOSURES).where(
    _DISCLOSURES.c.room_id == bindparam("room"), _DISCLOSURES.c.ref == bindparam("ref")
)  # a Core statement built once: every repeated question reads its answer with it


def _opened(s: Session | Database, key: RoomKey, view: View, ref: str) -> dict[str, Any]:
    """A recorded answer, opened; its sealed blob must be the one the log names. Read in the
    session's snapshot, or in one statement of its own (a recorded answer is never changed)."""
    if isinstance(s, Database):
        d, guard = s.once(_ANSWER, {"room": view.room_id, "ref": ref}), s.guard
    else:
        d, guard = s.execute(_ANSWER, {"room": view.room_id, "ref": ref}).first(), guard_of(s)
    if d is None or not view.sealed_ok("disclosures", ref, digest(d.sealed)):
        raise refuse(
            guard,
            view.room_id,
            f"its state does not match its event log: table disclosures, row {ref} is missing "
            "or its sealed answer is not the one the events name; restore the database from "
            "a backup, then run `zopa audit verify`",
        )
    ctx = disclosure_context(view.room_id, d.ref, d.asker, json.loads(d.parties))
    out: dict[str, Any] = json.loads(key.open_value(d.sealed, ctx))
    return out


def _spent(view: View, caller: Caller) -> None:
    spent = view.budget(caller.name)
    if spent["used"] >= spent["limit"]:
        raise BudgetSpent(
            f"your disclosure budget is spent ({spent['used']} of {spent['limit']} "
            "answers that used others' data); the room's policy sets it"
        )


def ask(db: Database, key: RoomKey, caller: Caller, name: str, **params: Any) -> BaseModel:
    """Answer the registered question ``name`` for ``caller`` (see the module docstring)."""
    q = QUESTIONS[name]
    pinned = db.pinned(caller.room_id)
    if pinned is not None:  # the view the caller's authentication read: a repeat needs no more
        b = _basis(pinned, q, caller, params)
        if b.plan.early is not None:
            return b.plan.early
        if b.repeat is not None:
            return b.plan.respond(
                _opened(db, key, pinned, b.repeat)["answer"], pinned.budget(caller.name)
            )
    if QUICK.get():  # a new answer: computed and recorded in a worker thread
        raise Slow(name)
    for _ in range(_RETRIES):
        with db.read() as s:
            b = _basis(room_view(s, caller.room_id, key), q, caller, params)
            if b.plan.early is not None:
                return b.plan.early
            if b.repeat is not None:
                return b.plan.respond(
                    _opened(s, key, b.view, b.repeat)["answer"], b.view.budget(caller.name)
                )
            counted = any(p != caller.party_id for p in b.plan.parties)
            if counted:
                _spent(b.view, caller)
            prefs = read_preferences(s, key, caller.room_id, b.plan.parties, view=b.view)
        answer = _compute(b, prefs)  # outside any transaction: writers are never held up
        with db.write(caller.room_id) as s:
            again = _basis(room_view(s, caller.room_id, key), q, caller, params)
            if again.fingerprint != b.fingerprint or again.plan.parties != b.plan.parties:
                continue  # a preference or a consent changed meanwhile: answer afresh
            if again.repeat is not None:
                return again.plan.respond(
                    _opened(s, key, again.view, again.repeat)["answer"],
                    again.view.budget(caller.name),
                )
            if counted:  # again under the room's lock: other workers' answers count too
                _spent(again.view, caller)
            _record(s, key, caller, q.name, again, answer, counted)
            bud = again.view.budget(caller.name)
            return again.plan.respond(answer, bud | {"used": bud["used"] + int(counted)})
    raise RoomError("the room changed while answering; ask again")


def _compute(b: _Basis, prefs: Prefs) -> dict[str, Any]:
    assert b.plan.compute is not None
    scenario = private_scenario(b.info, prefs)
    try:
        return b.plan.compute(scenario)
    except ZopaError as exc:
        raise RoomError(f"this question cannot be answered in this room: {exc}") from None


def _record(
    s: Session,
    key: RoomKey,
    caller: Caller,
    kind: str,
    b: _Basis,
    answer: dict[str, Any],
    counted: bool,
) -> None:
    ref = new_ref()
    parties = list(b.plan.parties)
    ctx = disclosure_context(caller.room_id, ref, caller.name, parties)
    body = json.dumps({"question": b.plan.question, "answer": answer}, sort_keys=True)
    sealed = key.seal_value(body.encode("utf-8"), ctx)
    s.add(
        Disclosure(
            ref=ref,
            room_id=caller.room_id,
            at=now(),
            asker=caller.name,
            kind=kind,
            parties=_dumps(parties),
            counted=counted,
            fingerprint=b.fingerprint,
            sealed=sealed,
        )
    )
    locks = sorted(b.versions) if counted else []
    if locks:  # a plain UPDATE: locking is not a new version of the preferences
        s.execute(
            update(PreferenceRow)
            .where(PreferenceRow.room_id == caller.room_id, PreferenceRow.party_id.in_(locks))
            .values(locked=True)
            .execution_options(synchronize_session=False)
        )
    s.flush()
    audit.append(
        s,
        key,
        caller.room_id,
        caller.name,
        "disclosure",
        {
            "ref": ref,
            "asker": caller.name,
            "kind": kind,
            "parties": parties,
            "counted": counted,
            "fingerprint": b.fingerprint,
            "basis": b.versions,
            "locks": locks,
            "sealed_sha256": digest(sealed),
        },
    )


# ------------------------------------------------------------------------ computations


@functools.lru_cache(maxsize=64)
def _analyze(scenario: Scenario) -> Analysis:
    """The library's analysis, once per scenario (i.e. per set of preference versions)."""
    return analyze(scenario)


def accepts(scenario: Scenario, party: str, package: Mapping[str, str]) -> dict[str, Any]:
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
        "utility": round(u, PRECISION),
        "reservation": round(r, PRECISION),
        "margin": round(u - r, PRECISION),
        "acceptable": not broken and u >= r and not violated,
        "red_lines_broken": list(broken),
        "constraints_violated": list(violated),
    }


# ------------------------------------------------------------------------ overlap


def _overlap_gate(info: RoomInfo, caller: Caller) -> str | None:
    pol = info.policy
    allowed = pol.mediator.overlap if caller.role == "mediator" else pol.delegations.overlap
    return None if allowed else "the room's policy does not let you ask about the overlap"


def _overlap_plan(view: View, caller: Caller, _: Mapping[str, Any]) -> Plan:
    info: RoomInfo = view.info
    pol = info.policy
    entered = view.entered
    gating = tuple(p.id for p in info.scenario.gating)
    waiting = [p for p in gating if p not in entered]
    show_waiting = caller.role == "mediator" and pol.mediator.readiness
    mediator = caller.role == "mediator"
    size = mediator and pol.mediator.zone_size
    rule = pol.mediator.suggestion if mediator else "none"

    def compute(sc: Scenario) -> dict[str, Any]:
        result = _analyze(sc)
        out: dict[str, Any] = {"exists": result.zone.exists}
        if size:
            out["zone_size"] = result.zone.size
            out["zone_size_exact"] = result.zone.exact
        if rule != "none":
            sol = result.solutions.get(rule)
            out["suggestion"] = None if sol is None else {k: str(v) for k, v in sol.package.items()}
            out["suggestion_rule"] = rule
        return out

    def respond(answer: dict[str, Any], bud: dict[str, int]) -> OverlapOut:
        return OverlapOut(
            ready=True, waiting_for=[] if show_waiting else None, budget=bud, **answer
        )

    early = None
    if waiting:
        early = OverlapOut(
            ready=False,
            exists=None,
            waiting_for=waiting if show_waiting else None,
            budget=view.budget(caller.name),
        )
    return Plan({}, gating, compute, respond, early)


# ------------------------------------------------------------------------ feedback


@frozen
class _Text:
    version: int
    package: dict[str, str]


def _feedback_gate(info: RoomInfo, caller: Caller) -> str | None:
    if caller.role != "delegation" or caller.party_id is None:
        return "feedback is for a delegation about itself"
    if not info.policy.delegations.feedback:
        return "the room's policy gives no feedback on drafts"
    return None


def _feedback_plan(view: View, caller: Caller, params: Mapping[str, Any]) -> Plan:
    party = caller.party_id
    assert party is not None
    draft_id: str = params["draft"]
    if party not in view.entered:
        raise NotReady("enter your preferences first (PUT /api/rooms/{room}/preferences)")
    version: int | None = params.get("version")
    if version is not None and not 1 <= version <= 2**31 - 1:
        raise NotFound(f"draft `{draft_id}` has no version {version}")
    n, package = view.package(draft_id, version)
    this = _Text(n, package)
    before = view.earlier_text(draft_id, n)
    revises = view.state["drafts"][draft_id]["revises"]
    others: list[tuple[str, dict[str, str]]] = []
    if before is not None:
        others.append((f"{draft_id} v{before[0]}", before[1]))
    if revises:
        rn, rpackage = view.package(revises)
        others.append((f"{revises} v{rn}", rpackage))

    def compute(sc: Scenario) -> dict[str, Any]:
        mine = accepts(sc, party, this.package)
        compared = []
        for name, pkg in others:
            theirs = accepts(sc, party, pkg)
            delta = round(mine["utility"] - theirs["utility"], PRECISION)
            compared.append(
                {
                    "against": name,
                    "package_differs": pkg != this.package,
                    "utility_change": delta,
                    "better": None if abs(delta) < 1e-9 else delta > 0,
                }
            )
        return {**mine, "compared": compared}

    def respond(answer: dict[str, Any], _: dict[str, int]) -> FeedbackOut:
        return FeedbackOut(
            draft=draft_id,
            version=this.version,
            party=party,
            compared=[Comparison(**c) for c in answer["compared"]],
            words=_words(draft_id, this.version, answer),
            **{k: v for k, v in answer.items() if k != "compared"},
        )

    question = {"draft": draft_id, "version": this.version}
    return Plan(question, (party,), compute, respond)


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


# ------------------------------------------------------------------------ acceptability


def _acceptability_gate(info: RoomInfo, caller: Caller) -> str | None:
    if caller.role != "mediator":
        return "only the mediator asks whether parties accept a draft"
    if info.policy.mediator.acceptability != "consent":
        return "the room's policy never tells the mediator who accepts a draft"
    return None


def _acceptability_plan(view: View, caller: Caller, params: Mapping[str, Any]) -> Plan:
    info: RoomInfo = view.info
    draft_id: str = params["draft"]
    this = _Text(*view.package(draft_id))
    agree = view.consenting()
    entered = view.entered
    parties = tuple(p.id for p in info.scenario.parties if p.id in agree and p.id in entered)

    def compute(sc: Scenario) -> dict[str, Any]:
        return {"parties": {p: bool(accepts(sc, p, this.package)["acceptable"]) for p in parties}}

    def respond(answer: dict[str, Any], bud: dict[str, int]) -> AcceptabilityOut:
        shown: dict[str, bool | None] = {p.id: None for p in info.scenario.parties}
        shown.update(answer["parties"])
        return AcceptabilityOut(draft=draft_id, version=this.version, parties=shown, budget=bud)

    early = None if parties else respond({"parties": {}}, view.budget(caller.name))
    return Plan({"draft": draft_id, "version": this.version}, parties, compute, respond, early)


QUESTIONS: dict[str, Question] = {
    q.name: q
    for q in (
        Question(
            "overlap",
            OverlapOut,
            _overlap_gate,
            _overlap_plan,
            "Is there an agreement zone? (uses every gating delegation's data)",
        ),
        Question(
            "feedback",
            FeedbackOut,
            _feedback_gate,
            _feedback_plan,
            "What a draft version means for the asking delegation (its own data only)",
            ("draft", "version"),
        ),
        Question(
            "acceptability",
            AcceptabilityOut,
            _acceptability_gate,
            _acceptability_plan,
            "Which consenting delegations accept a draft's current version",
            ("draft",),
        ),
    )
}
