"""Concurrent writers on SQLite and PostgreSQL: amendments against one version never lose an
update (one wins, the others get 409 with the current version), and the audit chain holds."""

from __future__ import annotations

import threading
from typing import Any

from zopa.server import verify
from zopa.server.rooms import Caller, Conflict, propose_amendment


def _callers(db: Any, made: Any) -> dict[str, Caller]:
    from sqlalchemy import select

    from zopa.server.db import Member

    with db.read() as s:
        rows = s.scalars(select(Member).where(Member.room_id == made.room)).all()
    return {m.party_id: Caller(m.id, m.room_id, m.role, m.party_id) for m in rows if m.party_id}


OPTIONS = {
    "ukraine": ("amnesty", "none"),
    "russia": ("amnesty", "full"),
    "europe": ("eu", "fixed_date"),
    "united_states": ("npp", "trilateral"),
}


def _race(db: Any, callers: dict[str, Caller], base: int) -> dict[str, Any]:
    barrier = threading.Barrier(len(callers))
    out: dict[str, Any] = {}

    def go(party: str) -> None:
        issue, option = OPTIONS[party]
        barrier.wait()
        try:
            out[party] = propose_amendment(db, callers[party], "geneva", {issue: option}, base)
        except Conflict as exc:
            out[party] = exc

    threads = [threading.Thread(target=go, args=(p,)) for p in callers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_concurrent_amendments_one_wins(db: Any, made: Any) -> None:
    callers = _callers(db, made)
    out = _race(db, callers, base=1)
    wins = [r for r in out.values() if not isinstance(r, Conflict)]
    lost = [r for r in out.values() if isinstance(r, Conflict)]
    assert len(wins) == 1 and wins[0].version == 2
    assert len(lost) == len(callers) - 1
    assert all(c.current_version == 2 for c in lost)
    assert verify(db).ok


def test_concurrent_amendments_retrying_lose_nothing(db: Any, made: Any) -> None:
    from sqlalchemy import select

    from zopa.server.db import Amendment, DraftVersion

    callers = _callers(db, made)
    rounds = 3
    accepted: list[tuple[str, int]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(callers))

    def go(party: str) -> None:
        issue, option = OPTIONS[party]
        barrier.wait()
        base = 1
        done = 0
        while done < rounds:
            try:
                got = propose_amendment(db, callers[party], "geneva", {issue: option}, base)
            except Conflict as exc:
                base = exc.current_version
                continue
            with lock:
                accepted.append((party, got.id))
            done += 1
            base = got.version

    threads = [threading.Thread(target=go, args=(p,)) for p in callers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    n = rounds * len(callers)
    assert len(accepted) == n
    with db.read() as s:
        ams = s.scalars(select(Amendment).where(Amendment.room_id == made.room)).all()
        versions = s.scalars(
            select(DraftVersion.version).where(
                DraftVersion.room_id == made.room, DraftVersion.draft_id == "geneva"
            )
        ).all()
    assert sorted(a.id for a in ams) == sorted(i for _, i in accepted)
    # each acknowledged amendment was made against the version just before it
    assert sorted(a.base_version for a in ams) == list(range(1, n + 1))
    assert sorted(versions) == list(range(1, n + 2))
    assert verify(db).ok
