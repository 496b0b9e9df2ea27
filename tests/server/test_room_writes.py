"""A write that only adds rows (an amendment proposed): :meth:`Database.add_rows` (issue 21 §3).

On PostgreSQL a proposal runs on the event loop in two round trips, waiting at most briefly for
the room's lock; when another write holds the lock longer it goes to a worker thread and waits
there, and the event loop keeps answering reads meanwhile. A proposal that fails adds nothing.
Statements and thread hops are counted, never timed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select, text

from tests.server.conftest import bearer


@contextmanager
def hops() -> Iterator[list[str]]:
    """Calls of a function in a worker thread by the room's app (Gate and routes)."""
    import zopa.server.api as api
    import zopa.server.app as app

    seen: list[str] = []
    real = app.run_in_threadpool

    async def counting(fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await real(fn, *args, **kwargs)

    saved = api.run_in_threadpool, app.run_in_threadpool
    api.run_in_threadpool = app.run_in_threadpool = counting
    try:
        yield seen
    finally:
        api.run_in_threadpool, app.run_in_threadpool = saved


def _counts(db: Any, room: str) -> tuple[int, int]:
    from zopa.server.db import Amendment, AuditEvent

    with db.read() as s:
        events = s.scalar(select(func.count()).where(AuditEvent.room_id == room))
        amendments = s.scalar(select(func.count()).where(Amendment.room_id == room))
    return int(events or 0), int(amendments or 0)


def _propose(client: Any, made: Any, base: int = 1) -> Any:
    return client.post(
        f"/api/rooms/{made.room}/drafts/plan-20/amendments",
        headers=bearer(made.delegations["ukraine"]),
        json={"changes": {"amnesty": "none"}, "base_version": base},
    )


def test_a_proposal_takes_no_thread(client: Any, db: Any, made: Any, key: Any) -> None:
    """Its caller is found and its rows written on the event loop; the chain verifies and the
    row is there."""
    from zopa.server import verify

    me = bearer(made.delegations["ukraine"])
    client.get(f"/api/rooms/{made.room}/drafts", headers=me)  # the room's view is built
    before = _counts(db, made.room)
    with hops() as seen:
        got = _propose(client, made)
    assert got.status_code == 201, got.text
    assert got.json()["status"] == "proposed" and got.json()["version"] == 1
    assert seen == []
    assert _counts(db, made.room) == (before[0] + 1, before[1] + 1)
    assert verify(db, key).ok


@pytest.mark.parametrize("base", [0, 2])
def test_a_refused_proposal_adds_nothing(client: Any, db: Any, made: Any, base: int) -> None:
    """A stale or future base version: 409 with the current version, no row, no event."""
    before = _counts(db, made.room)
    got = _propose(client, made, base)
    assert got.status_code == 409, got.text
    assert got.json()["current_version"] == 1
    bad = client.post(
        f"/api/rooms/{made.room}/drafts/plan-20/amendments",
        headers=bearer(made.delegations["ukraine"]),
        json={"changes": {"no_such_issue": "x"}, "base_version": 1},
    )
    assert bad.status_code in (400, 422), bad.text
    gone = client.post(
        f"/api/rooms/{made.room}/drafts/no-such-draft/amendments",
        headers=bearer(made.delegations["ukraine"]),
        json={"changes": {"amnesty": "none"}, "base_version": 1},
    )
    assert gone.status_code == 404, gone.text
    assert _counts(db, made.room) == before


def test_a_body_that_raises_rolls_back_what_it_queued(db: Any, made: Any, key: Any) -> None:
    """Rows queued before the body raised are never inserted, and the connection is reusable."""
    from zopa.server import audit
    from zopa.server.db import Amendment, AuditEvent

    before = _counts(db, made.room)
    with (
        pytest.raises(RuntimeError, match="stop"),
        db.add_rows(made.room, (audit.LAST_EVENT, {"room": made.room})) as w,
    ):
        assert w.room is not None and w.room.id == made.room
        (last,) = w.rows
        w.insert(AuditEvent.__table__, audit.next_event(key, made.room, last, "t", "t", {}))
        w.insert(
            Amendment.__table__,
            {
                "ref": "x",
                "room_id": made.room,
                "draft_id": "plan-20",
                "party_id": "ukraine",
                "base_version": 1,
                "changes": "{}",
                "status": "proposed",
                "created_at": "now",
                "decided_version": None,
            },
        )
        raise RuntimeError("stop")
    assert _counts(db, made.room) == before
    with db.add_rows("no-such-room") as w:
        assert w.room is None and w.rows == []


def _until_a_backend_waits_for_a_lock(db: Any) -> None:
    """Return once some connection to the database waits for a lock (at most 30 s)."""
    import time

    with db.engine.connect() as c:
        for _ in range(3000):
            waiting = c.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            ).scalar()
            c.rollback()
            if waiting:
                return
            time.sleep(0.01)
    raise AssertionError("no proposal waited for the room's lock")


def test_a_held_lock_makes_a_proposal_wait_but_not_the_reads(
    client: Any, db: Any, made: Any, key: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another transaction holds the room's write lock (PostgreSQL: the room row; SQLite: the
    database's write lock). A proposal sent meanwhile gives up on the event loop after a brief
    wait, is redone in a worker thread, waits there and then lands; a read sent meanwhile is
    answered while the lock is still held, so the wait never blocks the server. Ordering only:
    the lock is released once the read has returned (or after 30 s, and the test then fails)."""
    from zopa.server import verify

    api = f"/api/rooms/{made.room}"
    med = bearer(made.mediator)
    assert client.get(api, headers=med).status_code == 200
    before = _counts(db, made.room)
    holder = db.engine.connect()
    tx = holder.begin()
    if db.engine.dialect.name == "postgresql":
        holder.execute(text("SELECT id FROM rooms WHERE id = :r FOR UPDATE"), {"r": made.room})
    else:
        holder.execute(text("UPDATE rooms SET title = title WHERE id = :r"), {"r": made.room})
    out: dict[str, Any] = {}
    read_done = threading.Event()
    retried = threading.Event()  # the proposal gave up on the event loop: redone in a thread
    import zopa.server.rooms as rooms

    calls: list[int] = []
    real = rooms.propose_amendment

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            retried.set()
        return real(*args, **kwargs)

    monkeypatch.setattr(rooms, "propose_amendment", counting)

    def propose() -> None:
        out["proposal"] = _propose(client, made)
        out["read_done_first"] = read_done.is_set()

    once = threading.Lock()

    def release() -> None:
        with once:
            if not holder.closed:
                tx.rollback()
                holder.close()

    guard = threading.Timer(30, release)  # a server blocked by the wait fails, not hangs
    guard.start()
    t = threading.Thread(target=propose)
    t.start()
    try:
        assert retried.wait(30), "the proposal was not redone in a worker thread"
        if db.engine.dialect.name == "postgresql":
            _until_a_backend_waits_for_a_lock(db)
        r = client.get(api, headers=med)
        assert r.status_code == 200, r.text
        read_done.set()
        assert t.is_alive(), "the proposal did not wait for the held lock"
    finally:
        guard.cancel()
        release()
        t.join(60)
    assert not t.is_alive()
    assert out["proposal"].status_code == 201, out["proposal"].text
    assert out["read_done_first"]
    assert _counts(db, made.room) == (before[0] + 1, before[1] + 1)
    assert verify(db, key).ok


def test_a_package_that_needs_the_full_check_goes_to_a_thread(
    client: Any, db: Any, made: Any
) -> None:
    """A change given as a number (matched to the issue's grid by building the scenario) is
    checked in a worker thread, not on the event loop, and lands as the grid point's id."""
    api = f"/api/rooms/{made.room}/drafts/plan-20"
    me = bearer(made.delegations["ukraine"])
    before = _counts(db, made.room)
    with hops() as seen:
        got = client.post(
            f"{api}/amendments",
            headers=me,
            json={"changes": {"army_cap": 700000}, "base_version": 1},
        )
    assert got.status_code == 201, got.text
    assert "propose_amendment" in seen
    assert _counts(db, made.room) == (before[0] + 1, before[1] + 1)
    mine = client.get(api, headers=me).json()["amendments"]
    assert [a["changes"] for a in mine] == [{"army_cap": 700000}]
