"""The room under load with several worker processes (issue 21 §3), and tampering while it runs
(issue 16): bounded in requests and time, no timing assertions.

Against ``zopa serve --workers 2`` on SQLite and PostgreSQL: concurrent clients mix what a room
sees (skeleton, drafts, feedback, overlap, amendments, the mediator's acceptability questions
with a budget of 2) and afterwards no request failed, the budget was not overspent across the
workers, every proposal is in the database exactly once and ``audit verify`` passes. A row
edited behind a running server is refused by every worker.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx

from tests.server.conftest import bearer, ukraine_data
from tests.server.serving import Server

CLIENTS = 8
REQUESTS = 30  # per client
DEADLINE = 120.0  # seconds: the test stops sending after this, whatever is left


def _room(db: Any, key: Any, budget: int) -> Any:
    from zopa.server import Policy, create_room

    return create_room(
        db,
        key,
        ukraine_data(),
        policy=Policy.model_validate({"budget": budget}),
        with_preferences=True,
    )


def test_two_workers_under_load_keep_budgets_and_state(
    tmp_path: Path, room_key: str, db_url: str, db: Any, key: Any
) -> None:
    from sqlalchemy import func, select

    from zopa.server import verify
    from zopa.server.db import Amendment, Disclosure, Member
    from zopa.server.rooms import Caller, set_consent

    made = _room(db, key, budget=2)
    api = f"/api/rooms/{made.room}"
    parties = sorted(made.delegations)
    with db.read() as s:
        members = {m.party_id: m.id for m in s.scalars(select(Member)) if m.party_id}
    for p in parties:  # every delegation lets the mediator learn whether it accepts a draft
        set_consent(db, key, Caller(members[p], made.room, "delegation", p), True)

    server = Server(db_url, {"ZOPA_ROOM_KEY": room_key}, tmp_path / "serve.log", ("--workers", "2"))
    errors: list[str] = []
    proposed: list[str] = []
    codes: dict[str, list[int]] = {}
    lock = threading.Lock()
    until = time.monotonic() + DEADLINE

    def client(n: int) -> None:
        party = parties[n % len(parties)]
        me, med = bearer(made.delegations[party]), bearer(made.mediator)
        drafts = ["us-28", "europe", "geneva", "plan-20"]
        change = {"amnesty": "none"} if party != "europe" else {"eu": "fixed_date"}
        with httpx.Client(base_url=server.url, timeout=60) as c:
            for k in range(REQUESTS):
                if time.monotonic() > until:
                    return
                kind = ("room", "drafts", "feedback", "acceptability", "amend", "overlap")[
                    (n + k) % 6
                ]
                if kind == "room":
                    r = c.get(api, headers=med)
                elif kind == "drafts":
                    r = c.get(api + "/drafts", headers=me)
                elif kind == "feedback":
                    r = c.get(api + f"/drafts/{drafts[k % 4]}/feedback", headers=me)
                elif kind == "acceptability":
                    r = c.get(
                        api + f"/drafts/{drafts[(n + k) // 6 % 4]}/acceptability", headers=med
                    )
                elif kind == "overlap":
                    r = c.get(api + "/overlap", headers=med)
                else:
                    v = c.get(api + "/drafts/plan-20", headers=me).json()["version"]
                    r = c.post(
                        api + "/drafts/plan-20/amendments",
                        headers=me,
                        json={"changes": change, "base_version": v},
                    )
                    if r.status_code == 201:
                        with lock:
                            proposed.append(r.json()["id"])
                with lock:
                    codes.setdefault(kind, []).append(r.status_code)
                    ok = r.status_code < 400 or (
                        kind in ("acceptability", "overlap") and r.status_code == 429
                    )
                    if not ok:
                        errors.append(f"{kind}: {r.status_code} {r.text[:200]}")

    try:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(DEADLINE + 60)
    finally:
        server.stop()
    assert not errors, errors[:5]
    assert sum(len(x) for x in codes.values()) >= CLIENTS * 3  # the load did run
    assert 429 in codes["acceptability"]  # the budget stopped the mediator ...
    with db.read() as s:
        spent = s.scalar(
            select(func.count())
            .select_from(Disclosure)
            .where(Disclosure.asker == "mediator", Disclosure.counted.is_(True))
        )
        refs = list(s.scalars(select(Amendment.ref).where(Amendment.room_id == made.room)))
    assert spent == 2  # ... at exactly its budget, across both workers
    assert sorted(refs) == sorted(proposed) and len(set(refs)) == len(refs)
    report = verify(db, key)
    assert report.ok, report.reason


def test_a_row_edited_under_a_running_server_is_refused(
    tmp_path: Path, room_key: str, db_url: str, db: Any, key: Any
) -> None:
    """The attacker edits a draft's text in the table while two workers serve the room: the
    edit never reaches a member (answers come from the event log), and once the room's log
    moves (any write) every worker refuses the room, naming the table and row."""
    from sqlalchemy import text

    import zopa.server.view as view

    made = _room(db, key, budget=50)
    api = f"/api/rooms/{made.room}"
    med, me = bearer(made.mediator), bearer(made.delegations["ukraine"])
    server = Server(
        db_url,
        {"ZOPA_ROOM_KEY": room_key, "ZOPA_FULL_CHECK_SECONDS": "0"},
        tmp_path / "serve.log",
        ("--workers", "2"),
    )
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            for _ in range(6):  # both workers have the room in view
                assert c.get(api + "/drafts", headers=me).status_code == 200
            before = c.get(api + "/drafts", headers=me).json()
            forge = "UPDATE drafts SET label = 'forged' WHERE room_id = :r AND draft_id = :d"
            with db.engine.begin() as conn:
                conn.execute(text(forge), {"r": made.room, "d": "geneva"})
            # the forged label is never shown: drafts come from the log
            assert c.get(api + "/drafts", headers=me).json() == before
            got = c.post(
                api + "/drafts/plan-20/amendments",
                headers=me,
                json={"changes": {"amnesty": "none"}, "base_version": 1},
            )
            assert got.status_code in (201, 503)
            for _ in range(6):  # whichever worker answers refuses the room
                r = c.get(api + "/drafts", headers=med)
                assert r.status_code == 503, r.text
                assert "table drafts, row geneva" in r.json()["detail"]
    finally:
        server.stop()
    assert view.FULL_CHECK_SECONDS > 0  # the default keeps its periodic full check
