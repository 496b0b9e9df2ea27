"""Reliability: a property-based fuzzer (schemathesis) over /openapi.json finds no 500, and a
server killed with SIGKILL in the middle of writes loses nothing it acknowledged."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.server.conftest import bearer, ukraine_data
from tests.server.serving import Server

pytestmark = pytest.mark.slow


def test_fuzz_openapi_no_server_error(tmp_path: Path, key: Any) -> None:
    """On SQLite; PostgreSQL runs the same code paths in test_room_api."""
    import schemathesis

    from zopa.server import Policy, create_app, create_room, open_db
    from zopa.server.auth import LoginLimiter

    db = open_db(f"sqlite:///{tmp_path / 'room.db'}")
    made = create_room(db, key, ukraine_data(), policy=Policy(), with_preferences=True)

    app = create_app(db, key, limiter=LoginLimiter(limit=10**6))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    tokens = [made.mediator, made.delegations["ukraine"], "not-a-token"]
    ops = [r.ok() for r in schema.get_all_operations()]
    assert len(ops) >= 14
    seen: set[int] = set()
    for op in ops:

        @settings(
            max_examples=8,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=op.as_strategy())
        def run(case: Any) -> None:
            params = case.path_parameters or {}
            if "room" in params and zlib.crc32(str(params).encode()) % 4:
                params["room"] = made.room  # mostly the real room, so the fuzz goes deep
            for t in tokens:
                resp = case.call(headers=bearer(t))
                seen.add(resp.status_code)
                assert resp.status_code < 500, (case.method, case.formatted_path, resp.text)

        run()
    db.dispose()
    assert {200, 401, 403, 422} <= seen


def test_sigkill_mid_writes_loses_nothing_acknowledged(
    tmp_path: Path, room_key: str, key: Any, db_url: str
) -> None:
    import httpx2 as httpx

    from zopa.server import Policy, create_room, open_db

    db = open_db(db_url)
    made = create_room(db, key, ukraine_data(), policy=Policy(), with_preferences=True)
    db.dispose()
    env = {"ZOPA_ROOM_KEY": room_key}
    server = Server(db_url, env, tmp_path / "serve.log")
    acked: list[int] = []
    pref_acked: dict[str, int] = {}
    lock = threading.Lock()
    stop = threading.Event()
    base = f"{server.url}/api/rooms/{made.room}"

    def amend(party: str, issue: str, option: str) -> None:
        h = bearer(made.delegations[party])
        version = 1
        with httpx.Client(timeout=10) as c:
            while not stop.is_set():
                try:
                    r = c.post(
                        f"{base}/drafts/geneva/amendments",
                        headers=h,
                        json={"changes": {issue: option}, "base_version": version},
                    )
                except httpx.TransportError:
                    return
                if r.status_code == 201:
                    with lock:
                        acked.append(r.json()["id"])
                    version = r.json()["version"]
                elif r.status_code == 409:
                    version = r.json()["current_version"]
                else:
                    raise AssertionError(r.text)

    def prefs(party: str) -> None:
        h = bearer(made.delegations[party])
        with httpx.Client(timeout=10) as c:
            own = c.get(f"{base}/preferences", headers=h).json()
            block, version = own["preferences"], own["version"]
            n = 0
            while not stop.is_set():
                n += 1
                block["reservation"] = round(0.3 + (n % 10) / 100, 2)
                try:
                    r = c.put(
                        f"{base}/preferences",
                        headers={**h, "If-Match": f'"{version}"'},
                        json=block,
                    )
                except httpx.TransportError:
                    return
                assert r.status_code == 200, r.text
                version = r.json()["version"]
                with lock:
                    pref_acked[party] = version

    threads = [
        threading.Thread(target=amend, args=("ukraine", "amnesty", "none")),
        threading.Thread(target=amend, args=("russia", "amnesty", "full")),
        threading.Thread(target=amend, args=("europe", "eu", "fixed_date")),
        threading.Thread(target=prefs, args=("united_states",)),
    ]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (len(acked) < 20 or not pref_acked):
        time.sleep(0.05)
    server.kill()  # SIGKILL, writes in flight
    stop.set()
    for t in threads:
        t.join(30)
    assert len(acked) >= 20 and pref_acked
    server = Server(db_url, env, tmp_path / "serve2.log")
    try:
        med = bearer(made.mediator)
        d = httpx.get(f"{server.url}/api/rooms/{made.room}/drafts/geneva", headers=med).json()
        stored = {a["id"] for a in d["amendments"]}
        assert set(acked) <= stored
        own = httpx.get(
            f"{server.url}/api/rooms/{made.room}/preferences",
            headers=bearer(made.delegations["united_states"]),
        ).json()
        assert own["version"] >= pref_acked["united_states"]
    finally:
        server.stop()
    rc = subprocess.run(
        [sys.executable, "-m", "zopa", "audit", "verify", "--db", db_url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rc.returncode == 0, rc.stdout + rc.stderr
    assert "intact" in rc.stdout
