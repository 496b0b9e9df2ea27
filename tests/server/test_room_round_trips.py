"""What a hot read costs the database (issue 21 §3): statements counted, never timed.

A read whose room view is cached costs one statement (the member row and the log head
together, outside any transaction), a repeated question one more (its recorded answer); a
pooled connection is pinged only after sitting idle, and one that died meanwhile is replaced
without failing the request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text

from tests.server.conftest import bearer


@contextmanager
def counted(db: Any) -> Iterator[dict[str, int]]:
    """Statements sent through SQLAlchemy, and pings (which go around it)."""
    seen = {"statements": 0, "pings": 0}

    def on_execute(*_: Any) -> None:
        seen["statements"] += 1

    real_ping = db.engine.dialect.do_ping

    def ping(conn: Any) -> bool:
        seen["pings"] += 1
        return bool(real_ping(conn))

    real_rows = db.rows

    def rows(*args: Any, **kwargs: Any) -> Any:  # statements sent on the driver's connection
        seen["statements"] += 1
        return real_rows(*args, **kwargs)

    event.listen(db.engine, "before_cursor_execute", on_execute)
    db.engine.dialect.do_ping = ping
    db.rows = rows
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)
        del db.engine.dialect.do_ping
        del db.rows


def test_hot_reads_cost_one_statement(client: Any, db: Any, made: Any) -> None:
    api = f"/api/rooms/{made.room}"
    med, me = bearer(made.mediator), bearer(made.delegations["ukraine"])
    for _ in range(2):  # the view built, the feedback answer computed and recorded
        assert client.get(api, headers=med).status_code == 200
        assert client.get(f"{api}/drafts/geneva/feedback", headers=me).status_code == 200
    for path, who, want in (
        (api, med, 1),
        (f"{api}/drafts", me, 1),
        (f"{api}/drafts/geneva/feedback", me, 2),  # a repeat: its recorded answer, too
    ):
        with counted(db) as seen:
            got = client.get(path, headers=who)
        assert got.status_code == 200, got.text
        assert (seen["statements"], seen["pings"]) == (want, 0), path


def test_a_write_moves_the_head_and_the_next_read_sees_it(client: Any, db: Any, made: Any) -> None:
    """The view a read is pinned to is the head its own statement read: an amendment merged
    by the mediator is in the very next read, with the events since replayed."""
    api = f"/api/rooms/{made.room}"
    med, me = bearer(made.mediator), bearer(made.delegations["ukraine"])
    assert client.get(f"{api}/drafts", headers=me).json()[0]["version"] >= 1
    got = client.post(
        f"{api}/drafts/plan-20/amendments",
        headers=me,
        json={"changes": {"amnesty": "none"}, "base_version": 1},
    )
    assert got.status_code == 201, got.text
    ref = got.json()["id"]
    merged = client.post(
        f"{api}/drafts/plan-20/amendments/{ref}/merge", headers=med, json={"base_version": 1}
    )
    assert merged.status_code == 200, merged.text
    with counted(db) as seen:
        drafts = {d["id"]: d for d in client.get(f"{api}/drafts", headers=me).json()}
    assert drafts["plan-20"]["version"] == 2
    assert drafts["plan-20"]["package"]["amnesty"] == "none"
    assert seen["statements"] <= 4  # the head with the member, then the new events


def test_an_idle_connection_that_died_is_replaced(
    client: Any, db: Any, made: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.sqlite:
        pytest.skip("a PostgreSQL backend to terminate")
    from zopa.server import db as dbmod

    api = f"/api/rooms/{made.room}"
    med = bearer(made.mediator)
    assert client.get(api, headers=med).status_code == 200
    with db.engine.connect() as c:  # every other backend of this database ends
        c.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    monkeypatch.setattr(dbmod, "PING_IDLE_SECONDS", 0.0)  # every pooled connection is "idle"
    with counted(db) as seen:
        got = client.get(api, headers=med)
    assert got.status_code == 200, got.text
    assert seen["pings"] >= 1


def test_hot_reads_answer_as_their_routes(client: Any, made: Any) -> None:
    """The hot reads answered before FastAPI's routing (``Gate._hot``) say exactly what their
    routes say (a query string sends a request to its route); every refusal is the route's."""
    api = f"/api/rooms/{made.room}"
    med, me = bearer(made.mediator), bearer(made.delegations["ukraine"])
    other = bearer(made.delegations["russia"])
    cases = [
        (api, med),
        (api, me),
        (f"{api}/drafts", me),
        (f"{api}/overlap", med),
        (f"{api}/overlap", me),
        (f"{api}/drafts/geneva/feedback", me),
        (f"{api}/drafts/geneva/feedback", other),
        (f"{api}/drafts/geneva/feedback", med),  # the mediator: 403
        (f"{api}/drafts/nope/feedback", me),  # 404
        (f"{api}/drafts/9bad/feedback", me),  # 422: not a draft id
        (f"{api}/drafts/geneva/feedback", bearer("not-a-token")),  # 401
        (f"{api}/drafts", {}),  # 401
        ("/api/rooms/another/drafts", me),  # 403: another room's token
    ]
    for path, who in cases:
        client.get(path, headers=who)  # any first answer recorded
        hot = client.get(path, headers=who)
        routed = client.get(path + "?via=route", headers=who)
        assert hot.status_code == routed.status_code, path
        assert hot.json() == routed.json(), path
        for h in ("content-type", "cache-control", "content-security-policy"):
            assert hot.headers.get(h) == routed.headers.get(h), (path, h)


def test_a_new_server_has_its_rooms_in_view(db: Any, key: Any, made: Any) -> None:
    """The start-up check keeps each room's view: the first request costs one statement too
    (it used to start the full check and build the room's scenario, in every thread at once)."""
    from fastapi.testclient import TestClient

    from zopa.server import create_app

    with TestClient(create_app(db, key)) as fresh:
        assert made.room in db.guard.views
        with counted(db) as seen:
            got = fresh.get(f"/api/rooms/{made.room}", headers=bearer(made.mediator))
    assert got.status_code == 200, got.text
    assert (seen["statements"], seen["pings"]) == (1, 0)
