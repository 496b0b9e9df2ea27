"""Room operations: create a room, enter preferences, drafts and amendments.

Everything that *changes* a room lives here, each change in one write transaction that also
appends its audit event. What a caller may *see* is built in :mod:`zopa.server.disclose` only.
Preferences are validated by :func:`zopa.model.build_scenario` on the room's public skeleton
with the delegation's block in its place, so a delegation gets the very messages a scenario
file would give (key paths written from ``preferences``).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from zopa.errors import Problem, ScenarioError
from zopa.io.policy import Policy
from zopa.model.build import build_scenario
from zopa.model.scenario import Scenario
from zopa.records import frozen
from zopa.server import audit
from zopa.server.crypto import RoomKey, hash_token, new_token
from zopa.server.db import (
    QUICK,
    ROOM_FORMAT,
    Amendment,
    AuditEvent,
    Database,
    DraftRow,
    DraftVersion,
    Guard,
    Member,
    PreferenceRow,
    Room,
    Slow,
    dumps,
    guard_of,
    now,
)
from zopa.server.projection import digest, member_key
from zopa.server.room_errors import (
    Conflict,
    Forbidden,
    Locked,
    NotFound,
    PreconditionRequired,
    Refused,
    RoomError,
)

__all__ = [
    "Caller",
    "Conflict",
    "Forbidden",
    "Locked",
    "NotFound",
    "PreconditionRequired",
    "Refused",
    "RoomCreated",
    "RoomError",
    "add_draft",
    "create_room",
    "decide_amendment",
    "load_room",
    "member_mac",
    "new_ref",
    "private_scenario",
    "propose_amendment",
    "public_part",
    "read_preferences",
    "revoke_token",
    "rotate_token",
    "set_consent",
    "set_preferences",
]

Locator = Callable[[tuple[str | int, ...]], tuple[int | None, int | None]]
_PUBLIC_KEYS = ("title", "description", "sources", "assumptions", "issues", "constraints", "drafts")


def new_ref() -> str:
    """A random id members see (amendments, disclosures): no global counter to read gaps in."""
    return secrets.token_urlsafe(9)


def member_mac(
    key: RoomKey,
    room_id: str,
    role: str,
    party: str | None,
    token: str,
    active: bool,
    consent: bool,
) -> str:
    """The HMAC tag of a member row: a row inserted or edited without the key never serves."""
    flags = f"{int(active)}{int(consent)}"
    return key.mac("member", room_id, role, party or "", token, flags)


def member_ok(key: RoomKey, m: Member | Row[Any]) -> bool:
    return key.mac_ok(
        m.mac,
        "member",
        m.room_id,
        m.role,
        m.party_id or "",
        m.token_hash,
        f"{int(bool(m.active))}{int(bool(m.consent_acceptability))}",
    )


@frozen
class Caller:
    """Who is asking: a room member and its role (``mediator`` or ``delegation``)."""

    member_id: int
    room_id: str
    role: str
    party_id: str | None

    @property
    def name(self) -> str:
        return "mediator" if self.role == "mediator" else f"delegation:{self.party_id}"


@frozen
class RoomInfo:
    """A room's public skeleton (validated) and its policy."""

    id: str
    public: dict[str, Any]
    scenario: Scenario  # the public skeleton: no preferences
    policy: Policy


@frozen
class RoomCreated:
    room: str
    mediator: str
    delegations: dict[str, str]
    base_url: str = "http://127.0.0.1:8000"
    key_file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        links = {"mediator": f"{self.base_url}/login#{self.room}:{self.mediator}"}
        for p, t in self.delegations.items():
            links[p] = f"{self.base_url}/login#{self.room}:{t}"
        out: dict[str, Any] = {
            "room": self.room,
            "mediator": self.mediator,
            "delegations": dict(self.delegations),
            "links": links,
        }
        if self.key_file:
            out["key_file"] = self.key_file
        return out


def public_part(data: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a scenario every member may see: no preferences, no pressure events."""
    keep: dict[str, Any] = {k: data[k] for k in _PUBLIC_KEYS if k in data}
    keep["parties"] = [
        {k: v for k, v in p.items() if k != "preferences"} if isinstance(p, Mapping) else p
        for p in data.get("parties", [])
    ]
    out: dict[str, Any] = json.loads(json.dumps(keep, default=str))
    return out


# ------------------------------------------------------------------------ scenarios


_cache: dict[tuple[str, ...], Scenario] = {}
_cache_lock = threading.Lock()
_CACHE_MAX = 256


def _with_preferences(
    public: Mapping[str, Any],
    blocks: Mapping[str, Any],
    *,
    file: str | None = None,
    locate: Locator | None = None,
) -> Scenario:
    data = copy.deepcopy(dict(public))
    index = {p["id"]: k for k, p in enumerate(data["parties"])}
    for party, block in blocks.items():
        data["parties"][index[party]]["preferences"] = block
    if locate is None:
        return build_scenario(data, file=file, require_preferences=False)
    return build_scenario(data, file=file, locate=locate, require_preferences=False)


def validate_preferences(
    public: Mapping[str, Any],
    party: str,
    block: Any,
    *,
    file: str = "<preferences>",
    locate: Locator | None = None,
) -> Scenario:
    """Check ``block`` as the ``preferences`` of ``party`` in a scenario file; raises
    :class:`ScenarioError` with key paths starting at ``preferences``."""
    k = [p["id"] for p in public["parties"]].index(party)
    prefix: tuple[str | int, ...] = ("parties", k, "preferences")

    def where(path: tuple[str | int, ...]) -> tuple[int | None, int | None]:
        if locate is None or tuple(path[:3]) != prefix:
            return None, None
        return locate(tuple(path[3:]))

    try:
        return _with_preferences(public, {party: block}, file=file, locate=where)
    except ScenarioError as exc:
        head = f"parties[{k}].preferences"
        problems = [
            Problem(
                p.message,
                where="preferences" + p.where[len(head) :] if p.where.startswith(head) else p.where,
                hint=p.hint,
                line=p.line,
                column=p.column,
            )
            for p in exc.problems
        ]
        raise ScenarioError(problems, file=file) from None


# ------------------------------------------------------------------------ loading


def load_room(s: Session, room_id: str) -> RoomInfo:
    return served_room(s.get(Room, room_id), room_id, guard_of(s))


def served_room(room: Any, room_id: str, guard: Guard) -> RoomInfo:
    """The skeleton of ``room`` (its row: a :class:`Room` or a row of its columns; None when
    there is no such room), or why the server does not serve it."""
    if room is None:
        raise NotFound(f"no room `{room_id}`")
    if room.format != ROOM_FORMAT:
        raise Refused(
            f"room `{room_id}` was created by an older zopa (room format {room.format}; this "
            f"zopa serves format {ROOM_FORMAT}, with sealed answers and a keyed event log); "
            "recreate it with `zopa room create`"
        )
    refused = guard.refused.get(room_id)
    if refused:
        raise Refused(f"the server refuses room `{room_id}`: {refused}")
    return room_info(room)


_infos: dict[tuple[str, str, str], RoomInfo] = {}


def room_info(room: Room) -> RoomInfo:
    """A room row's public skeleton (validated once per text) and policy, kept per text: every
    write reads the room row, and parsing the skeleton and the policy again cost more than the
    write's own work."""
    k = (room.id, room.public, room.policy)
    with _cache_lock:
        hit = _infos.get(k)
    if hit is not None:
        return hit
    public = json.loads(room.public)
    scenario = _public_scenario(room.id, room.public, public)
    info = RoomInfo(room.id, public, scenario, Policy.model_validate(json.loads(room.policy)))
    with _cache_lock:
        if len(_infos) >= _CACHE_MAX:
            _infos.pop(next(iter(_infos)))
        _infos[k] = info
    return info


def _public_scenario(room_id: str, text: str, public: Mapping[str, Any]) -> Scenario:
    key = ("public", room_id, hashlib.sha256(text.encode()).hexdigest())
    with _cache_lock:
        hit = _cache.get(key)
    if hit is None:
        hit = build_scenario(copy.deepcopy(dict(public)), require_preferences=False)
        _remember(key, hit)
    return hit


def _remember(key: tuple[str, ...], value: Scenario) -> None:
    with _cache_lock:
        if len(_cache) >= _CACHE_MAX:
            _cache.pop(next(iter(_cache)))
        _cache[key] = value


def read_preferences(
    s: Session,
    key: RoomKey,
    room_id: str,
    parties: tuple[str, ...] | None = None,
    *,
    view: Any = None,
) -> dict[str, tuple[int, dict[str, Any]]]:
    """Decrypt the preferences of ``parties`` (all entered when None): party -> (version,
    payload with ``preferences`` and ``salt``). With the room's ``view``
    (:mod:`zopa.server.view`), each row's version and sealed blob must be the ones its events
    name, or the room is refused."""
    q = select(PreferenceRow).where(PreferenceRow.room_id == room_id)
    out: dict[str, tuple[int, dict[str, Any]]] = {}
    for row in s.scalars(q):
        if parties is not None and row.party_id not in parties:
            continue
        if view is not None:
            want = view.state["preferences"].get(row.party_id)
            if want is None or (want["version"], want["sealed_sha256"]) != (
                row.version,
                digest(row.wrapped_key, row.ciphertext),
            ):
                why = (
                    f"its state does not match its event log: table preferences, row "
                    f"{row.party_id} is not what the events produce; restore the database "
                    "from a backup, then run `zopa audit verify`"
                )
                guard_of(s).refused[room_id] = why
                raise Refused(f"the server refuses room `{room_id}`: {why}")
        plain = key.open(row.wrapped_key, row.ciphertext, _context(room_id, row.party_id))
        out[row.party_id] = (row.version, json.loads(plain))
    return out


def private_scenario(
    info: RoomInfo, prefs: Mapping[str, tuple[int, Mapping[str, Any]]]
) -> Scenario:
    """The room's scenario with the given delegations' preferences (cached by version)."""
    versions = tuple(f"{p}={v}" for p, (v, _) in sorted(prefs.items()))
    key = ("private", info.id, *versions)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is None:
        hit = _with_preferences(info.public, {p: d["preferences"] for p, (_, d) in prefs.items()})
        _remember(key, hit)
    return hit


def _context(room_id: str, party: str) -> str:
    return f"zopa-room:{room_id}:preferences:{party}"


def check_room_size(scenario: Scenario) -> None:
    """Refuse a room whose outcome space the room's questions could not answer in a request."""
    from zopa.analysis import ENUMERATION_LIMIT

    n = 1
    for issue in scenario.issues:
        n *= max(1, len(issue.options))
    if n > ENUMERATION_LIMIT:
        raise ScenarioError(
            f"the room's outcome space has {n:,} packages, over the room's limit of "
            f"{ENUMERATION_LIMIT:,} (every private answer is computed inside a request)",
            where="issues",
            hint="use fewer options (a coarser `step` on numeric issues) or fewer issues; "
            "`zopa analyze` handles bigger spaces offline",
        )


# ------------------------------------------------------------------------ creating


def create_room(
    db: Database,
    key: RoomKey,
    data: Mapping[str, Any],
    *,
    policy: Policy,
    with_preferences: bool = False,
    file: str | None = None,
) -> RoomCreated:
    """Make a room from a (validated) scenario's public part; tokens are printed once."""
    build_scenario(data, file=file, require_preferences=False)  # the whole file must be valid
    public = public_part(data)
    scenario = build_scenario(copy.deepcopy(public), require_preferences=False)
    check_room_size(scenario)
    room_id = secrets.token_urlsafe(9)
    mediator = new_token()
    tokens = {p.id: new_token() for p in scenario.parties}
    with db.write() as s:
        s.add(
            Room(
                id=room_id,
                title=scenario.title,
                public=dumps(public),
                policy=dumps(policy.to_dict()),
                created_at=now(),
                key_fingerprint=key.fingerprint,
                format=ROOM_FORMAT,
            )
        )
        s.flush()
        audit.append(
            s,
            key,
            room_id,
            "mediator",
            "room.created",
            {
                "title": scenario.title,
                "file": file,
                "public_sha256": hashlib.sha256(dumps(public).encode()).hexdigest(),
                "policy": policy.to_dict(),
                "parties": [p.id for p in scenario.parties],
                "key_fingerprint": key.fingerprint,
                "format": ROOM_FORMAT,
            },
        )
        _add_member(s, key, room_id, "mediator", None, mediator)
        for p, t in tokens.items():
            _add_member(s, key, room_id, "delegation", p, t)
        for d in scenario.drafts:
            _insert_draft(
                s, key, room_id, "mediator", d.id, d.label, d.author, d.revises, dict(d.package)
            )
    if with_preferences:
        raw_parties = {p["id"]: p for p in data.get("parties", []) if isinstance(p, Mapping)}
        for party in scenario.parties:
            block = raw_parties.get(party.id, {}).get("preferences")
            if block is not None:
                block = json.loads(json.dumps(block, default=str))
                caller = Caller(0, room_id, "delegation", party.id)
                set_preferences(db, key, caller, block, note="entered by `zopa room create`")
    return RoomCreated(room_id, mediator, tokens)


def _add_member(
    s: Session, key: RoomKey, room_id: str, role: str, party: str | None, token: str
) -> None:
    th = hash_token(token)
    mac = member_mac(key, room_id, role, party, th, True, False)
    s.add(
        Member(
            room_id=room_id,
            role=role,
            party_id=party,
            token_hash=th,
            consent_acceptability=False,
            active=True,
            mac=mac,
        )
    )
    audit.append(
        s,
        key,
        room_id,
        "mediator",
        "member.added",
        {"role": role, "party": party, "token_hash": th, "mac": mac},
    )


def _insert_draft(  # noqa: PLR0913  one draft row: one argument per column
    s: Session,
    key: RoomKey,
    room_id: str,
    actor: str,
    draft_id: str,
    label: str,
    author: str | None,
    revises: str | None,
    package: dict[str, str],
) -> DraftRow:
    row = DraftRow(
        room_id=room_id,
        draft_id=draft_id,
        label=label,
        author=author,
        revises=revises,
        package=dumps(package),
        created_at=now(),
    )
    s.add(row)
    s.flush()
    s.add(
        DraftVersion(
            room_id=room_id,
            draft_id=draft_id,
            version=row.version,
            package=row.package,
            cause="created",
            at=row.created_at,
        )
    )
    audit.append(
        s,
        key,
        room_id,
        actor,
        "draft.created",
        {
            "draft": draft_id,
            "label": label,
            "author": author,
            "revises": revises,
            "package": package,
        },
    )
    return row


# ------------------------------------------------------------------------ members


def _member_row(s: Session, room_id: str, role: str, party: str | None) -> Member:
    q = select(Member).where(Member.room_id == room_id, Member.role == role)
    q = q.where(Member.party_id == party) if party is not None else q
    m = s.scalars(q).first()
    if m is None:
        raise NotFound(f"no member {member_key(role, party)} in this room")
    return m


def rotate_token(db: Database, key: RoomKey, caller: Caller, party: str | None = None) -> str:
    """A new token for a member (the mediator for anyone, a delegation for itself); the old
    one stops working at once and its sessions end. Audited; returns the new token."""
    role, who = _target(caller, party)
    token = new_token()
    with db.write(caller.room_id) as s:
        m = _member_row(s, caller.room_id, role, who)
        m.token_hash, m.active = hash_token(token), True
        m.mac = member_mac(
            key, m.room_id, role, who, m.token_hash, True, bool(m.consent_acceptability)
        )
        _end_sessions(s, m.id)
        audit.append(
            s,
            key,
            caller.room_id,
            caller.name,
            "token.rotated",
            {"role": role, "party": who, "token_hash": m.token_hash, "mac": m.mac},
        )
    return token


def revoke_token(db: Database, key: RoomKey, caller: Caller, party: str | None = None) -> None:
    """Stop a member's token (and its sessions) until the mediator rotates it. Audited."""
    role, who = _target(caller, party)
    with db.write(caller.room_id) as s:
        m = _member_row(s, caller.room_id, role, who)
        m.active = False
        m.mac = member_mac(
            key, m.room_id, role, who, m.token_hash, False, bool(m.consent_acceptability)
        )
        _end_sessions(s, m.id)
        audit.append(
            s,
            key,
            caller.room_id,
            caller.name,
            "token.revoked",
            {"role": role, "party": who, "mac": m.mac},
        )


def _target(caller: Caller, party: str | None) -> tuple[str, str | None]:
    if caller.role == "mediator":
        return ("mediator", None) if party is None else ("delegation", party)
    if party is not None and party != caller.party_id:
        raise Forbidden("a delegation rotates or revokes its own token only")
    return "delegation", caller.party_id


def _end_sessions(s: Session, member_id: int) -> None:
    from sqlalchemy import delete

    from zopa.server.db import SessionRow

    s.execute(delete(SessionRow).where(SessionRow.member_id == member_id))


# ------------------------------------------------------------------------ preferences

MAX_PREFERENCES_BYTES = 128 * 1024
MAX_RED_LINES = 64
MAX_EXPRESSION_CHARS = 16_000


@frozen
class Entered:
    version: int
    red_lines_commitment: str
    round: int = 1


def check_preferences_size(block: Any, file: str = "<preferences>") -> None:
    """Bound what one delegation's preferences may cost the server (422 with the limit)."""
    size = len(dumps(block).encode("utf-8", "surrogatepass"))
    problems = []
    if size > MAX_PREFERENCES_BYTES:
        problems.append(
            Problem(
                f"the preferences are {size:,} bytes, over the limit of {MAX_PREFERENCES_BYTES:,}",
                where="preferences",
                hint="keep values per option and a few red lines",
            )
        )
    if isinstance(block, Mapping):
        exprs = [x for k in ("red_lines",) for x in (block.get(k) or []) if isinstance(x, str)]
        for inter in block.get("interactions") or []:
            if isinstance(inter, Mapping) and isinstance(inter.get("when"), str):
                exprs.append(inter["when"])
        red = block.get("red_lines") or []
        if isinstance(red, list) and len(red) > MAX_RED_LINES:
            problems.append(
                Problem(
                    f"{len(red)} red lines, over the limit of {MAX_RED_LINES}",
                    where="preferences.red_lines",
                    hint="join red lines on one issue with `in {...}`",
                )
            )
        total = sum(len(x) for x in exprs)
        if total > MAX_EXPRESSION_CHARS:
            problems.append(
                Problem(
                    f"the red lines and interactions total {total:,} characters, over the "
                    f"limit of {MAX_EXPRESSION_CHARS:,} (each one is compiled for every package)",
                    where="preferences.red_lines",
                    hint="write shorter expressions",
                )
            )
    if problems:
        raise ScenarioError(problems, file=file)


def set_preferences(
    db: Database,
    key: RoomKey,
    caller: Caller,
    block: Any,
    *,
    file: str = "<preferences>",
    locate: Locator | None = None,
    note: str | None = None,
    replaces: int | None = None,
) -> Entered:
    """Validate and store (sealed) a delegation's preferences; audit a salted commitment.

    ``replaces`` names the version the caller read (409 when another version is current).
    Preferences an answer to someone else has used are *locked*: replacing them opens a new
    round, which every member sees, up to the policy's ``rounds`` cap."""
    if caller.role != "delegation" or caller.party_id is None:
        raise Forbidden("only a delegation enters preferences")
    room_id = caller.room_id
    check_preferences_size(block, file)
    with db.read() as s:
        info = load_room(s, room_id)
    validate_preferences(info.public, caller.party_id, block, file=file, locate=locate)
    salt = secrets.token_hex(16)
    red = block.get("red_lines", []) if isinstance(block, Mapping) else []
    red_commit = audit.commitment(salt, red)
    all_commit = audit.commitment(salt, block)
    plain = dumps({"preferences": block, "salt": salt}).encode("utf-8")
    wrapped, ct = key.seal(plain, _context(room_id, caller.party_id))
    with db.write(room_id) as s:
        info = load_room(s, room_id)
        row = s.scalars(
            select(PreferenceRow).where(
                PreferenceRow.room_id == room_id, PreferenceRow.party_id == caller.party_id
            )
        ).first()
        if replaces is not None and (row.version if row else 0) != replaces:
            raise Conflict(
                f"your preferences are at version {row.version if row else 0}, "
                f"not {replaces}: reload them and apply your change again",
                row.version if row else 0,
            )
        if row is None:
            row = PreferenceRow(
                room_id=room_id,
                party_id=caller.party_id,
                wrapped_key=wrapped,
                ciphertext=ct,
                updated_at=now(),
                round=1,
                locked=False,
            )
            s.add(row)
        else:
            if row.locked:
                cap = info.policy.rounds
                if row.round >= cap:
                    raise Locked(
                        f"your preferences are locked: answers to others have used them, and "
                        f"this room allows {cap} rounds of preferences per delegation "
                        "(the policy's `rounds`); ask the mediator"
                    )
                row.round += 1
                row.locked = False
            row.wrapped_key, row.ciphertext, row.updated_at = wrapped, ct, now()
        s.flush()
        data: dict[str, Any] = {
            "party": caller.party_id,
            "version": row.version,
            "round": row.round,
            "red_lines_commitment": red_commit,
            "preferences_commitment": all_commit,
            "sealed_sha256": digest(wrapped, ct),
        }
        if note:
            data["note"] = note
        audit.append(s, key, room_id, caller.name, "preferences.entered", data)
        return Entered(row.version, red_commit, row.round)


def set_consent(db: Database, key: RoomKey, caller: Caller, acceptability: bool) -> None:
    """A delegation allows (or withdraws) telling the mediator whether it accepts each draft.

    Takes the room's write lock: an answer is recorded (and released) only if the consent it
    used is still the one in force when it commits, so no answer that used a party's data ever
    follows that party's committed withdrawal."""
    if caller.role != "delegation":
        raise Forbidden("only a delegation gives consent")
    with db.write(caller.room_id) as s:
        m = s.get(Member, caller.member_id)
        if m is None:
            raise NotFound("no such member")
        m.consent_acceptability = acceptability
        m.mac = member_mac(
            key, m.room_id, m.role, m.party_id, m.token_hash, bool(m.active), acceptability
        )
        audit.append(
            s,
            key,
            caller.room_id,
            caller.name,
            "consent.changed",
            {"party": caller.party_id, "acceptability": acceptability, "mac": m.mac},
        )


# ------------------------------------------------------------------------ drafts


_SLUG = re.compile(r"[^A-Za-z0-9_]+")


def _slug(label: str, taken: set[str]) -> str:
    base = _SLUG.sub("-", label).strip("-_").lower()[:40] or "draft"
    if not re.match(r"[A-Za-z_]", base):
        base = "d-" + base
    base = base if base not in {"and", "or", "not", "in", "true", "false"} else f"d-{base}"
    out, n = base, 2
    while out in taken:
        out, n = f"{base}-{n}", n + 1
    return out


def _check_package(
    info: RoomInfo, draft: dict[str, Any], taken: list[dict[str, Any]]
) -> dict[str, str]:
    """Validate a draft as the scenario file would (``revises`` inheritance included) and
    return its full package (issue -> option id)."""
    data = copy.deepcopy(info.public)
    data["drafts"] = [*taken, draft]
    try:
        scenario = build_scenario(data, file="<draft>", require_preferences=False)
    except ScenarioError as exc:
        k = len(taken)
        head = f"drafts[{k}]"
        problems = [
            Problem(
                p.message,
                where=p.where[len(head) + 1 :] if p.where.startswith(head + ".") else p.where,
                hint=p.hint,
            )
            for p in exc.problems
        ]
        raise ScenarioError(problems, file="<draft>") from None
    return dict(scenario.drafts[-1].package)


def _drafts_as_spec(s: Session, room_id: str) -> list[dict[str, Any]]:
    rows = s.scalars(select(DraftRow).where(DraftRow.room_id == room_id).order_by(DraftRow.id))
    return [
        {"id": r.draft_id, "label": r.label, "package": json.loads(r.package)}
        | ({"revises": r.revises} if r.revises else {})
        for r in rows
    ]


@frozen
class DraftCreated:
    id: str
    version: int


def add_draft(
    db: Database,
    key: RoomKey,
    caller: Caller,
    label: str,
    package: Mapping[str, Any],
    revises: str | None = None,
    draft_id: str | None = None,
) -> DraftCreated:
    """The mediator circulates a new draft; a revision of ``revises`` keeps that draft's
    current options on every issue its package leaves out."""
    if caller.role != "mediator":
        raise Forbidden("only the mediator circulates drafts")
    with db.write(caller.room_id) as s:
        info = load_room(s, caller.room_id)
        taken = _drafts_as_spec(s, caller.room_id)
        ids = {d["id"] for d in taken}
        if draft_id is not None and draft_id in ids:
            raise ScenarioError(
                f"draft id `{draft_id}` is taken", where="id", hint="choose another"
            )
        new_id = draft_id or _slug(label, ids)
        given = {str(k): v for k, v in package.items()}
        base: dict[str, Any] = next((d["package"] for d in taken if d["id"] == revises), {})
        spec: dict[str, Any] = {"id": new_id, "label": label, "package": {**base, **given}}
        if revises is not None:
            spec["revises"] = revises
        full = _check_package(info, spec, taken)
        row = _insert_draft(s, key, caller.room_id, caller.name, new_id, label, None, revises, full)
        return DraftCreated(new_id, row.version)


def _draft(s: Session, room_id: str, draft_id: str) -> DraftRow:
    """A draft's row, read in the write's transaction. On PostgreSQL, inside the room's lock
    (:meth:`Database.write`), the same statement reads the room's last event for the write's
    :func:`zopa.server.audit.append`: one round trip fewer while the lock is held (the statement
    starts after the lock is taken, so it sees every event committed before)."""
    bind = s.get_bind()
    if bind.dialect.name == "postgresql" and s.info.get("zopa_locked_room") is not None:
        got = s.execute(_DRAFT_AND_LAST, {"room": room_id, "draft": draft_id}).first()
        if got is None:
            raise NotFound(f"no draft `{draft_id}` in this room")
        s.info["zopa_last_event"] = (room_id, got if got.seq is not None else None)
        row: DraftRow = got[0]
        return row
    found = s.scalars(
        select(DraftRow).where(DraftRow.room_id == room_id, DraftRow.draft_id == draft_id)
    ).first()
    if found is None:
        raise NotFound(f"no draft `{draft_id}` in this room")
    return found


def _draft_and_last() -> Any:
    from sqlalchemy import bindparam, true

    last = audit.LAST_EVENT.subquery("last_event")
    return (
        select(DraftRow, *last.c)
        .outerjoin(last, true())
        .where(DraftRow.room_id == bindparam("room"), DraftRow.draft_id == bindparam("draft"))
    )


_DRAFT_AND_LAST = _draft_and_last()  # a draft's row and its room's last event (PostgreSQL)
_DRAFT_TEXT = (  # a draft's text version and package
    select(DraftRow.version, DraftRow.package).where(
        DraftRow.room_id == bindparam("room"), DraftRow.draft_id == bindparam("draft")
    )
)


def _bump(s: Session, row: DraftRow, package: dict[str, str], cause: str) -> int:
    """A new text version of ``row`` (the version column is SQLAlchemy's optimistic counter);
    only a merged amendment makes one."""
    row.package = dumps(package)
    flag_modified(row, "package")
    s.flush()
    s.add(
        DraftVersion(
            room_id=row.room_id,
            draft_id=row.draft_id,
            version=row.version,
            package=row.package,
            cause=cause,
            at=now(),
        )
    )
    return row.version


@frozen
class AmendmentResult:
    id: str
    draft: str
    status: str
    version: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "draft": self.draft, "status": self.status, "version": self.version}


def _changes(info: RoomInfo, current: dict[str, str], changes: Mapping[str, Any]) -> dict[str, str]:
    if not changes:
        raise ScenarioError("an amendment changes at least one issue", where="changes")
    merged = {**current, **{str(k): v for k, v in changes.items()}}
    known = _known_package(info.scenario, merged)
    if known is not None:
        return known
    if QUICK.get():  # the full check builds the scenario: not on the event loop
        raise Slow("an amendment's package to check in full")
    spec = {"id": "amendment", "package": merged}
    return _check_package(info, spec, [])


def _known_package(scenario: Scenario, package: Mapping[str, Any]) -> dict[str, str] | None:
    """``package`` when it names, for every issue of the room and nothing else, one of the
    issue's option ids exactly: what :func:`_check_package` returns for it, without building
    the scenario again (11 ms on the Ukraine example). None otherwise: the full check then
    says what is wrong (or matches a number to a grid point)."""
    if len(package) != len(scenario.issues):
        return None
    out: dict[str, str] = {}
    for iss in scenario.issues:
        v = package.get(iss.id)
        if not isinstance(v, str) or v not in iss.option_ids:
            return None
        out[iss.id] = v
    return out


def propose_amendment(
    db: Database,
    key: RoomKey,
    caller: Caller,
    draft_id: str,
    changes: Mapping[str, Any],
    base_version: int,
) -> AmendmentResult:
    """A delegation proposes changes against text version ``base_version`` of a draft; a
    stale base (the text changed since) raises :class:`Conflict` with the current version.
    A proposal makes no new version: others cannot tell that one was made."""
    if caller.role != "delegation" or caller.party_id is None:
        raise Forbidden("only a delegation proposes amendments")
    room_id = caller.room_id
    draft_at = (_DRAFT_TEXT, {"room": room_id, "draft": draft_id})
    # only rows are added (the amendment and its event): the room's lock is held for the
    # body's Python alone, between two round trips (see Database.add_rows)
    with db.add_rows(room_id, draft_at, (audit.LAST_EVENT, {"room": room_id})) as w:
        info = served_room(w.room, room_id, db.guard)
        draft, last = w.rows
        if draft is None:
            raise NotFound(f"no draft `{draft_id}` in this room")
        if draft.version != base_version:
            raise Conflict(
                f"draft `{draft_id}` is at version {draft.version}, not {base_version}",
                draft.version,
            )
        _changes(info, json.loads(draft.package), changes)
        clean = {str(k): v for k, v in changes.items()}
        ref = new_ref()
        w.insert(
            Amendment.__table__,
            {
                "ref": ref,
                "room_id": room_id,
                "draft_id": draft_id,
                "party_id": caller.party_id,
                "base_version": base_version,
                "changes": dumps(clean),
                "status": "proposed",
                "created_at": now(),
                "decided_version": None,
            },
        )
        event = {
            "amendment": ref,
            "draft": draft_id,
            "party": caller.party_id,
            "base_version": base_version,
            "changes": clean,
        }
        w.insert(
            AuditEvent.__table__,
            audit.next_event(key, room_id, last, caller.name, "amendment.proposed", event),
        )
    return AmendmentResult(ref, draft_id, "proposed", draft.version)


def decide_amendment(
    db: Database,
    key: RoomKey,
    caller: Caller,
    draft_id: str,
    amendment_id: str,
    merge: bool,
    base_version: int,
) -> AmendmentResult:
    """The mediator merges an amendment into the draft (a new version) or rejects it (the text
    and its version stay as they are)."""
    if caller.role != "mediator":
        raise Forbidden("only the mediator merges or rejects amendments")
    with db.write(caller.room_id) as s:
        info = load_room(s, caller.room_id)
        row = _draft(s, caller.room_id, draft_id)
        am = s.scalars(
            select(Amendment).where(
                Amendment.room_id == caller.room_id,
                Amendment.ref == str(amendment_id),
                Amendment.draft_id == draft_id,
            )
        ).first()
        if am is None:
            raise NotFound(f"no amendment {amendment_id} on draft `{draft_id}`")
        if am.status != "proposed":
            raise Conflict(f"amendment {amendment_id} is already {am.status}", row.version)
        if row.version != base_version:
            raise Conflict(
                f"draft `{draft_id}` is at version {row.version}, not {base_version}",
                row.version,
            )
        if merge:
            package = _changes(info, json.loads(row.package), json.loads(am.changes))
            version = _bump(s, row, package, "amendment merged")
            am.status, am.decided_version = "merged", version
            data: dict[str, Any] = {
                "amendment": am.ref,
                "draft": draft_id,
                "version": version,
                "package": package,
            }
        else:
            version = row.version
            am.status, am.decided_version = "rejected", None
            data = {"amendment": am.ref, "draft": draft_id}
        audit.append(s, key, caller.room_id, caller.name, f"amendment.{am.status}", data)
        return AmendmentResult(am.ref, draft_id, am.status, version)
