"""The periodic full check of a served room (:mod:`zopa.server.view`, issue 21 §3).

When a room's log moves and the worker's last full check is older than the interval, the
request is served from the view advanced by the new (chain-checked) events while one thread
runs the full check; a mismatch it finds refuses the room from then on. When the last check is
older than twice the interval (or the interval is 0) the request waits for the check. The
background check is held on an event so that the order is fixed, never timed.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import text

from tests.server.conftest import bearer

INTERVAL = 100.0


def _age(db: Any, room: str, seconds: float) -> None:
    """Make this process's last full check of ``room`` ``seconds`` old."""
    from zopa.server.view import View

    g = db.guard
    then = time.monotonic() - seconds
    with g.lock:
        for k, v in list(g.views.items()):
            if k == room or (isinstance(k, tuple) and k[0] == room):
                g.views[k] = View(v.room_id, v.seq, v.head, v.state, v.info, then)
        g.checked.pop(room, None)


def _forge_and_move(client: Any, db: Any, made: Any) -> None:
    """Edit a draft's label behind the server's back, then move the log (a proposal)."""
    forge = "UPDATE drafts SET label = 'forged' WHERE room_id = :r AND draft_id = :d"
    with db.engine.begin() as conn:
        conn.execute(text(forge), {"r": made.room, "d": "geneva"})
    got = client.post(
        f"/api/rooms/{made.room}/drafts/plan-20/amendments",
        headers=bearer(made.delegations["ukraine"]),
        json={"changes": {"amnesty": "none"}, "base_version": 1},
    )
    assert got.status_code == 201, got.text


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The background full check, held until the test sets the event; its threads listed."""
    import zopa.server.view as view

    monkeypatch.setattr(view, "FULL_CHECK_SECONDS", INTERVAL)
    go = threading.Event()
    started: list[threading.Thread] = []
    real = view._check_now

    def waiting(*args: Any) -> None:
        started.append(threading.current_thread())
        go.wait(30)
        real(*args)

    monkeypatch.setattr(view, "_check_now", waiting)
    return go, started


def test_a_due_check_runs_beside_the_request_and_refuses_after(
    client: Any, db: Any, made: Any, held: Any
) -> None:
    go, started = held
    api = f"/api/rooms/{made.room}/drafts"
    me = bearer(made.delegations["ukraine"])
    before = client.get(api, headers=me).json()
    _age(db, made.room, 1.5 * INTERVAL)
    _forge_and_move(client, db, made)
    served = client.get(api, headers=me)  # the head moved: due, and served meanwhile
    assert served.status_code == 200, served.text
    assert {d["id"]: d["label"] for d in served.json()} == {d["id"]: d["label"] for d in before}
    assert len(started) == 1  # one check, however many requests found it due
    assert client.get(api, headers=me).status_code == 200
    assert len(started) == 1
    go.set()
    started[0].join(30)
    refused = client.get(api, headers=me)
    assert refused.status_code == 503, refused.text
    assert "table drafts, row geneva" in refused.json()["detail"]


def test_a_check_older_than_twice_the_interval_is_waited_for(
    client: Any, db: Any, made: Any, held: Any
) -> None:
    _go, started = held
    api = f"/api/rooms/{made.room}/drafts"
    me = bearer(made.delegations["ukraine"])
    assert client.get(api, headers=me).status_code == 200
    _age(db, made.room, 2.5 * INTERVAL)
    _forge_and_move(client, db, made)
    refused = client.get(api, headers=me)
    assert refused.status_code == 503, refused.text
    assert "table drafts, row geneva" in refused.json()["detail"]
    assert started == []


def test_a_passed_background_check_resets_the_clock(
    client: Any, db: Any, made: Any, held: Any
) -> None:
    """After a background check passed, the next move is served with no new check."""
    go, started = held
    api = f"/api/rooms/{made.room}/drafts"
    me = bearer(made.delegations["ukraine"])
    assert client.get(api, headers=me).status_code == 200
    _age(db, made.room, 1.5 * INTERVAL)
    go.set()
    for base in (1, 1):  # two moves of the log, no forgery
        got = client.post(
            f"/api/rooms/{made.room}/drafts/plan-20/amendments",
            headers=me,
            json={"changes": {"amnesty": "none"}, "base_version": base},
        )
        assert got.status_code == 201, got.text
        assert client.get(api, headers=me).status_code == 200
        for t in started:
            t.join(30)
    assert len(started) == 1
    assert made.room in db.guard.checked
