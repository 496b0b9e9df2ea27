"""Concurrent writers on SQLite and PostgreSQL: merges against one text version never lose an
update (one wins, the others get 409 with the current version), concurrent proposals all
stand (a proposal makes no version), and the keyed log replays to the very tables."""

from __future__ import annotations

import threading
from typing import Any

from zopa.server import verify
from zopa.server.rooms import Caller, Conflict, decide_amendment, propose_amendment


def _callers(db: Any, made: Any) -> dict[str, Caller]:
    from sqlalchemy import select

    from zopa.server.db import Member

    with db.read() as s:
        rows = s.scalars(select(Member).where(Member.room_id == made.room)).all()
    return {m.party_id or "mediator": Caller(m.id, m.room_id, m.role, m.party_id) for m in rows}


OPTIONS = {
    "ukraine": ("amnesty", "none"),
    "russia": ("amnesty", "full"),
    "europe": ("eu", "fixed_date"),
    "united_states": ("npp", "trilateral"),
}


def _together(n: int, work: Any) -> None:
    barrier = threading.Barrier(n)

    def go(k: int) -> None:
        barrier.wait()
        work(k)

    threads = [threading.Thread(target=go, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_concurrent_proposals_stand_and_merges_one_wins(db: Any, key: Any, made: Any) -> None:
    callers = _callers(db, made)
    parties = list(OPTIONS)
    refs: dict[str, str] = {}

    def propose(k: int) -> None:
        p = parties[k]
        got = propose_amendment(db, key, callers[p], "geneva", dict([OPTIONS[p]]), 1)
        refs[p] = got.id

    _together(len(parties), propose)
    assert len(refs) == 4 and len(set(refs.values())) == 4
    out: dict[str, Any] = {}

    def merge(k: int) -> None:
        p = parties[k]
        try:
            out[p] = decide_amendment(db, key, callers["mediator"], "geneva", refs[p], True, 1)
        except Conflict as exc:
            out[p] = exc

    _together(len(parties), merge)
    wins = [r for r in out.values() if not isinstance(r, Conflict)]
    lost = [r for r in out.values() if isinstance(r, Conflict)]
    assert len(wins) == 1 and wins[0].version == 2
    assert len(lost) == 3 and all(c.current_version == 2 for c in lost)
    assert verify(db, key).ok


def test_concurrent_merges_retrying_lose_nothing(db: Any, key: Any, made: Any) -> None:
    from sqlalchemy import select

    from zopa.server.db import Amendment, DraftVersion

    callers = _callers(db, made)
    parties = list(OPTIONS)
    lock = threading.Lock()
    merged: list[str] = []

    def go(k: int) -> None:
        p = parties[k]
        base = 1
        while True:
            try:
                ref = propose_amendment(db, key, callers[p], "geneva", dict([OPTIONS[p]]), base).id
                got = decide_amendment(db, key, callers["mediator"], "geneva", ref, True, base)
            except Conflict as exc:
                base = exc.current_version
                continue
            with lock:
                merged.append(got.id)
            return

    _together(len(parties), go)
    with db.read() as s:
        ams = s.scalars(select(Amendment).where(Amendment.room_id == made.room)).all()
        versions = s.scalars(
            select(DraftVersion.version).where(
                DraftVersion.room_id == made.room, DraftVersion.draft_id == "geneva"
            )
        ).all()
    assert sorted(a.ref for a in ams if a.status == "merged") == sorted(merged)
    assert len(merged) == 4
    # each merge made exactly one new text version, none lost
    assert sorted(versions) == list(range(1, 6))
    assert verify(db, key).ok
