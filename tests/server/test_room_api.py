"""The room's API on SQLite and PostgreSQL: roles, preferences, overlap, drafts, amendments,
feedback, consent, budget, audit, encryption at rest, the CLI."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import UKRAINE, bearer, ukraine_data
from zopa.cli import main
from zopa.errors import ScenarioError
from zopa.model.build import build_scenario


def test_room_skeleton_and_roles(client: Any, made: Any) -> None:
    r = made.room
    med = client.get(f"/api/rooms/{r}", headers=bearer(made.mediator)).json()
    assert med["role"] == "mediator" and med["party"] is None
    assert [i["id"] for i in med["issues"]][:2] == ["territory", "south_front"]
    assert {d["id"] for d in med["drafts"]} == {"us-28", "europe", "geneva", "plan-20"}
    assert med["readiness"] == dict.fromkeys(["ukraine", "russia", "europe", "united_states"], True)
    text = json.dumps(med)
    assert "red_lines" not in text and "reservation" not in text and "weights" not in text
    ua = client.get(f"/api/rooms/{r}", headers=bearer(made.delegations["ukraine"])).json()
    assert ua["role"] == "delegation" and ua["party"] == "ukraine" and ua["readiness"] is None
    assert client.get(f"/api/rooms/{r}").status_code == 401
    assert client.get(f"/api/rooms/{r}", headers=bearer("x" * 43)).status_code == 401
    assert client.get(f"/api/rooms/{r}", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get(f"/api/rooms/other{r}", headers=bearer(made.mediator)).status_code == 403
    ua_h = bearer(made.delegations["ukraine"])
    assert client.get(f"/api/rooms/{r}/audit", headers=ua_h).status_code == 403
    assert client.get(f"/api/rooms/{r}/overlap", headers=ua_h).status_code == 403
    assert (
        client.get(f"/api/rooms/{r}/preferences", headers=bearer(made.mediator)).status_code == 403
    )
    body = {"label": "x", "package": {}}
    assert client.post(f"/api/rooms/{r}/drafts", headers=ua_h, json=body).status_code == 403
    fb = f"/api/rooms/{r}/drafts/geneva/feedback"
    assert client.get(fb, headers=bearer(made.mediator)).status_code == 403


def test_tokens_are_long_and_stored_as_hashes(db: Any, made: Any) -> None:
    from sqlalchemy import select

    from zopa.server.crypto import hash_token
    from zopa.server.db import Member

    tokens = [made.mediator, *made.delegations.values()]
    assert all(len(t) >= 43 for t in tokens)  # 32 random bytes, base64: 256 bits
    with db.read() as s:
        stored = set(s.scalars(select(Member.token_hash)))
    assert stored == {hash_token(t) for t in tokens}
    assert not stored & set(tokens)


def test_overlap_waits_for_every_gating_delegation(client: Any, bare: Any) -> None:
    r, med = bare.room, bearer(bare.mediator)
    got = client.get(f"/api/rooms/{r}/overlap", headers=med).json()
    assert got["ready"] is False and got["exists"] is None
    assert got["waiting_for"] == ["ukraine", "russia", "europe"]
    data = ukraine_data()
    for p in data["parties"][:3]:
        h = bearer(bare.delegations[p["id"]])
        block = json.loads(json.dumps(p["preferences"]))
        assert client.put(f"/api/rooms/{r}/preferences", headers=h, json=block).status_code == 200
    got = client.get(f"/api/rooms/{r}/overlap", headers=med).json()
    assert got["ready"] is True and got["exists"] is True
    # the default policy says nothing more than yes/no
    assert got["zone_size"] is None and got["suggestion"] is None
    assert got["budget"] == {"used": 1, "limit": 50}
    # the answer equals the library's on the whole file
    from zopa.analysis import analyze
    from zopa.io import load_scenario

    assert analyze(load_scenario(UKRAINE)).zone.exists is True


def test_overlap_with_zone_size_and_nash(client: Any, made: Any) -> None:
    from zopa.analysis import analyze
    from zopa.io import load_scenario

    got = client.get(f"/api/rooms/{made.room}/overlap", headers=bearer(made.mediator)).json()
    ref = analyze(load_scenario(UKRAINE))
    assert got["zone_size"] == ref.zone.size and got["zone_size_exact"] is True
    nash = ref.solutions["nash"]
    assert nash is not None
    assert got["suggestion"] == {k: str(v) for k, v in nash.package.items()}
    assert "utilities" not in json.dumps(got)


def test_preferences_validated_as_a_file(client: Any, bare: Any) -> None:
    data = ukraine_data()
    block = json.loads(json.dumps(data["parties"][0]["preferences"]))
    block["weights"]["bogus"] = 1
    block["values"]["nato"]["open_doors"] = 0.5
    block["red_lines"].append("nato == ")
    h = bearer(bare.delegations["ukraine"])
    r = client.put(f"/api/rooms/{bare.room}/preferences", headers=h, json=block)
    assert r.status_code == 422
    got = {(p["where"], p["message"]) for p in r.json()["problems"]}
    whole = copy.deepcopy(data)
    whole["parties"][0]["preferences"] = block
    with pytest.raises(ScenarioError) as exc:
        build_scenario(whole)
    want = {
        (p.where.replace("parties[0].", ""), p.message)
        for p in exc.value.problems
        if p.where.startswith("parties[0].")
    }
    assert got == want and len(got) >= 3
    assert (
        client.get(f"/api/rooms/{bare.room}/preferences", headers=h).json()["preferences"] is None
    )
    r = client.put(f"/api/rooms/{bare.room}/preferences", headers=h, json=["not", "a", "mapping"])
    assert r.status_code == 422


def test_own_preferences_round_trip(client: Any, made: Any) -> None:
    h = bearer(made.delegations["russia"])
    got = client.get(f"/api/rooms/{made.room}/preferences", headers=h).json()
    want = json.loads(json.dumps(ukraine_data()["parties"][1]["preferences"]))
    assert got["party"] == "russia" and got["preferences"] == want and got["version"] == 1


def test_drafts_amendments_and_409(client: Any, made: Any) -> None:
    r, med = made.room, bearer(made.mediator)
    ua, ru = bearer(made.delegations["ukraine"]), bearer(made.delegations["russia"])
    got = client.post(
        f"/api/rooms/{r}/drafts",
        headers=med,
        json={"label": "Miami text", "package": {"nato": "consensus"}, "revises": "geneva"},
    )
    assert got.status_code == 201 and got.json() == {"id": "miami-text", "version": 1}
    bad = client.post(
        f"/api/rooms/{r}/drafts", headers=med, json={"label": "y", "package": {"nato": "maybe"}}
    )
    assert bad.status_code == 422 and "nato" in bad.text
    url = f"/api/rooms/{r}/drafts/miami-text/amendments"
    # a proposal makes no new text version: both proposals against v1 stand
    a1 = client.post(url, headers=ua, json={"changes": {"amnesty": "none"}, "base_version": 1})
    assert a1.status_code == 201 and a1.json()["version"] == 1
    a2 = client.post(url, headers=ru, json={"changes": {"army_cap": 600000}, "base_version": 1})
    assert a2.status_code == 201 and a2.json()["version"] == 1
    bad = client.post(url, headers=ru, json={"changes": {"army_cap": 650000}, "base_version": 1})
    assert bad.status_code == 422
    aid = a2.json()["id"]
    ok = client.post(f"{url}/{aid}/merge", headers=med, json={"base_version": 1})
    assert ok.status_code == 200 and ok.json() == {
        "id": aid,
        "draft": "miami-text",
        "status": "merged",
        "version": 2,
    }
    # the merge moved the text: a proposal or a decision against v1 is stale now
    stale = client.post(f"{url}/{a1.json()['id']}/merge", headers=med, json={"base_version": 1})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    late = client.post(url, headers=ua, json={"changes": {"amnesty": "full"}, "base_version": 1})
    assert late.status_code == 409 and late.json()["current_version"] == 2
    rej = client.post(f"{url}/{a1.json()['id']}/reject", headers=med, json={"base_version": 2})
    assert rej.json()["status"] == "rejected" and rej.json()["version"] == 2
    d = client.get(f"/api/rooms/{r}/drafts/miami-text", headers=med).json()
    assert d["version"] == 2 and d["package"]["army_cap"] == "600000"
    assert [v["version"] for v in d["versions"]] == [1, 2]
    assert d["versions"][1]["cause"] == "amendment merged"  # never who proposed it
    assert len(d["amendments"]) == 2
    # a delegation sees its own amendments only; others see no trace of them
    mine = client.get(f"/api/rooms/{r}/drafts/miami-text", headers=ua).json()
    assert [a["party"] for a in mine["amendments"]] == ["ukraine"]
    assert "russia" not in json.dumps(mine)
    assert client.get(f"/api/rooms/{r}/drafts/nope", headers=med).status_code == 404
    assert client.post(
        f"{url}/12345678901234567890123456789/merge", headers=med, json={"base_version": 2}
    ).status_code in (404, 422)


def test_feedback_is_about_the_caller_only(client: Any, made: Any) -> None:
    r = made.room
    got = client.get(
        f"/api/rooms/{r}/drafts/us-28/feedback", headers=bearer(made.delegations["ukraine"])
    ).json()
    assert got["party"] == "ukraine"
    assert got["red_lines_broken"] == ["territory != recognise"]
    assert got["acceptable"] is False
    assert any("breaks your red line `territory != recognise`" in w for w in got["words"])
    # the library's own evaluation of the whole file agrees
    from zopa.analysis import evaluate
    from zopa.io import load_scenario

    ev = evaluate(load_scenario(UKRAINE), "us-28")
    assert got["utility"] == pytest.approx(ev.point.utilities["ukraine"], abs=1e-6)
    text = json.dumps(got)
    for other in ("russia", "europe", "united_states", "nato != open_door"):
        assert other not in text
    geneva = client.get(
        f"/api/rooms/{r}/drafts/geneva/feedback", headers=bearer(made.delegations["ukraine"])
    ).json()
    assert geneva["compared"][0]["against"] == "us-28 v1" and geneva["compared"][0]["better"]
    assert "better for you than us-28 v1" in " ".join(geneva["words"])


def test_acceptability_needs_consent(client: Any, made: Any) -> None:
    r, med = made.room, bearer(made.mediator)
    url = f"/api/rooms/{r}/drafts/plan-20/acceptability"
    got = client.get(url, headers=med).json()
    assert set(got["parties"].values()) == {None}
    h = bearer(made.delegations["europe"])
    assert client.put(f"/api/rooms/{r}/consent", headers=h, json={"acceptability": True}).is_success
    got = client.get(url, headers=med).json()
    from zopa.analysis import evaluate
    from zopa.io import load_scenario

    ev = evaluate(load_scenario(UKRAINE), "plan-20")
    assert got["parties"]["europe"] is ev.acceptable["europe"]
    assert got["parties"]["ukraine"] is None and got["parties"]["russia"] is None
    # europe sees the disclosure, ukraine does not
    seen = client.get(f"/api/rooms/{r}/disclosures", headers=h).json()
    assert [d["kind"] for d in seen if d["asker"] == "mediator"] == ["acceptability"]
    ua = client.get(f"/api/rooms/{r}/disclosures", headers=bearer(made.delegations["ukraine"]))
    assert all(d["kind"] != "acceptability" for d in ua.json())


def test_disclosures_and_budget(client: Any, db: Any, key: Any) -> None:
    from zopa.server import Policy, create_room

    made = create_room(
        db, key, ukraine_data(), policy=Policy.model_validate({"budget": 2}), with_preferences=True
    )
    r, med = made.room, bearer(made.mediator)
    assert client.get(f"/api/rooms/{r}/overlap", headers=med).json()["budget"]["used"] == 1
    # the same question on the same preferences repeats an answer: not counted again
    assert client.get(f"/api/rooms/{r}/overlap", headers=med).json()["budget"]["used"] == 1
    ua = bearer(made.delegations["ukraine"])
    own = client.get(f"/api/rooms/{r}/preferences", headers=ua).json()
    assert own["locked"] is True and own["round"] == 1  # the mediator's answer used them
    block = own["preferences"]
    block["reservation"] = 0.5
    put = client.put(f"/api/rooms/{r}/preferences", headers=ua, json=block)
    assert put.status_code == 428  # a replacement names the version it replaces
    v = {"If-Match": f'"{own["version"]}"'}
    put = client.put(f"/api/rooms/{r}/preferences", headers={**ua, **v}, json=block)
    assert put.status_code == 200 and put.json()["round"] == 2
    assert (
        client.put(f"/api/rooms/{r}/preferences", headers={**ua, **v}, json=block).status_code
        == 409
    )
    assert client.get(f"/api/rooms/{r}", headers=med).json()["rounds"]["ukraine"] == 2
    assert client.get(f"/api/rooms/{r}/overlap", headers=med).json()["budget"]["used"] == 2
    block["reservation"] = 0.4
    v = {"If-Match": f'"{put.json()["version"]}"'}
    client.put(f"/api/rooms/{r}/preferences", headers={**ua, **v}, json=block)
    refused = client.get(f"/api/rooms/{r}/overlap", headers=med)
    assert refused.status_code == 429 and "budget" in refused.json()["detail"]
    seen = client.get(f"/api/rooms/{r}/disclosures", headers=ua).json()
    overlaps = [d for d in seen if d["kind"] == "overlap"]
    assert len(overlaps) == 2 and all(d["asker"] == "mediator" for d in overlaps)
    assert all("ukraine" in d["parties"] for d in overlaps)  # the gating parties: public
    # feedback about oneself is shown but never counted
    client.get(f"/api/rooms/{r}/drafts/geneva/feedback", headers=ua)
    seen = client.get(f"/api/rooms/{r}/disclosures", headers=ua).json()
    assert [d["counted"] for d in seen if d["kind"] == "feedback"] == [False]
    # ids are random per room: no counter of others' questions to read
    assert all(not d["id"].isdigit() for d in seen)


def test_audit_chain_verifies_and_shows_tampering(
    client: Any, db: Any, key: Any, made: Any
) -> None:
    from sqlalchemy import select

    from zopa.server import verify
    from zopa.server.db import AuditEvent

    client.get(f"/api/rooms/{made.room}/overlap", headers=bearer(made.mediator))
    events = client.get(f"/api/rooms/{made.room}/audit", headers=bearer(made.mediator)).json()
    actions = [e["action"] for e in events]
    assert actions[0] == "room.created" and actions.count("preferences.entered") == 4
    assert actions[-1] == "disclosure"
    entered = [e for e in events if e["action"] == "preferences.entered"]
    assert all(len(e["data"]["red_lines_commitment"]) == 64 for e in entered)
    assert "territory != recognise" not in json.dumps(events)
    assert "token_hash" not in json.dumps(events)
    assert verify(db, key).ok
    with db.write() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.seq == 3)).one()
        ev.data = ev.data.replace("delegation", "mediator")
    report = verify(db, key)
    assert not report.ok and report.bad_seq == 3 and "altered" in report.reason
    with db.write() as s:
        s.delete(s.scalars(select(AuditEvent).where(AuditEvent.seq == 3)).one())
    report = verify(db, key)
    assert not report.ok and report.bad_seq == 4 and "deleted" in report.reason


def test_sqlite_file_holds_no_preference_in_clear(tmp_path: Path, key: Any) -> None:
    from zopa.server import Policy, create_room, open_db

    path = tmp_path / "room.db"
    db = open_db(f"sqlite:///{path}")
    create_room(db, key, ukraine_data(), policy=Policy(), with_preferences=True)
    db.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    raw = path.read_bytes()
    for p in ukraine_data()["parties"]:
        prefs = p["preferences"]
        for rl in prefs.get("red_lines", []):
            assert rl.encode() not in raw
        assert b'"red_lines"' not in raw and b'"reservation"' not in raw
        for vals in prefs["values"].values():
            assert json.dumps(vals, sort_keys=True, separators=(",", ":")).encode() not in raw
    assert b"territory" in raw  # the public skeleton is there, in clear


def test_wrong_room_key_cannot_open(db: Any, made: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import base64
    import secrets

    from fastapi.testclient import TestClient

    from zopa.server import create_app, load_or_create_key

    monkeypatch.setenv("ZOPA_ROOM_KEY", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    other = load_or_create_key(Path("/nonexistent"), create=False)
    with TestClient(create_app(db, other)) as c:
        r = c.get(f"/api/rooms/{made.room}/preferences", headers=bearer(made.delegations["europe"]))
    assert r.status_code == 503 and "room key" in r.json()["detail"]


def test_key_file_is_created_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zopa.server import load_or_create_key
    from zopa.server.crypto import KeyError_

    monkeypatch.delenv("ZOPA_ROOM_KEY")
    kf = tmp_path / "room.key"
    with pytest.raises(KeyError_):
        load_or_create_key(kf, create=False)
    k1 = load_or_create_key(kf, create=True)
    assert stat.S_IMODE(kf.stat().st_mode) == 0o600
    assert load_or_create_key(kf, create=False).fingerprint == k1.fingerprint
    os.chmod(kf, 0o644)
    with pytest.raises(KeyError_, match="chmod 600"):
        load_or_create_key(kf, create=False)


def test_migrations_match_the_models(db: Any) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from zopa.server.db import Base

    with db.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
    assert diff == []


def test_cli_room_create_serve_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ZOPA_ROOM_KEY")
    monkeypatch.chdir(tmp_path)
    url = "sqlite:///room.db"
    rc = main(["room", "create", str(UKRAINE), "--db", url, "--with-preferences", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and set(out["delegations"]) == {"ukraine", "russia", "europe", "united_states"}
    assert out["key_file"] == "room.db.key"
    assert stat.S_IMODE((tmp_path / "room.db.key").stat().st_mode) == 0o600
    assert out["links"]["ukraine"].endswith(f"/login#{out['room']}:{out['delegations']['ukraine']}")
    assert main(["audit", "verify", "--db", url]) == 0
    out_text = capsys.readouterr().out
    assert "intact and state matches" in out_text
    con = sqlite3.connect(tmp_path / "room.db")
    con.execute("UPDATE audit_events SET actor = 'someone' WHERE seq = 2")
    con.commit()
    con.close()
    assert main(["audit", "verify", "--db", url]) == 1
    assert "event 2" in capsys.readouterr().out
    bad = tmp_path / "policy.yaml"
    bad.write_text("budget: 5\nmediator: {overlap: true, zone_sise: true}\n")
    assert main(["room", "create", str(UKRAINE), "--db", url, "--policy", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "policy.yaml:2" in err and "zone_sise" in err
    assert main(["room", "create", str(UKRAINE), "--db", "nosuch://x"]) == 2
    assert main(["serve", "--db", "sqlite:///other.db"]) == 2  # no key for it
    assert "no room key" in capsys.readouterr().err


def test_failed_logins_are_rate_limited(db: Any, key: Any, bare: Any) -> None:
    """Past the limit of failed sign-ins a bad token gets 429; a good one still gets in."""
    from fastapi.testclient import TestClient

    from zopa.server import create_app
    from zopa.server.auth import LoginLimiter

    with TestClient(create_app(db, key, limiter=LoginLimiter(limit=5))) as c:
        url = f"/api/rooms/{bare.room}"
        codes = [c.get(url, headers=bearer(f"wrong{n}")).status_code for n in range(6)]
        assert codes == [401] * 5 + [429]
        # a valid token is never refused because of failures from its address
        assert c.get(url, headers=bearer(bare.mediator)).status_code == 200
        page = c.post("/login", data={"token": bare.mediator, "csrf": "x"})
        assert page.status_code == 403  # no login CSRF cookie


def test_readme_room_commands_work_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import re
    import shlex
    import shutil

    from tests.server.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run a mediation room", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(zopa [^\n]+)$", section.split("```sh", 1)[1].split("```")[0], re.M)
    assert [c.split()[1] for c in commands] == ["room", "serve", "audit"]
    monkeypatch.delenv("ZOPA_ROOM_KEY")
    (tmp_path / "examples").mkdir()
    shutil.copy(UKRAINE, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    create, serve, check = (shlex.split(c)[1:] for c in commands)
    assert main(create) == 0
    assert json.loads(capsys.readouterr().out)["room"]
    assert main(check) == 0
    from tests.server.serving import Server

    server = Server(serve[serve.index("--db") + 1], {}, tmp_path / "serve.log")  # with --port
    server.stop()


def test_tampered_preferences_are_caught_by_the_replay(db: Any, key: Any, made: Any) -> None:
    from sqlalchemy import select

    from zopa.server import verify
    from zopa.server.db import PreferenceRow
    from zopa.server.rooms import read_preferences

    assert verify(db, key).ok
    # the operator swaps russia's sealed preferences for ukraine's, re-sealed under russia's
    with db.write() as s:
        _, ua = read_preferences(s, key, made.room, ("ukraine",))["ukraine"]
        row = s.scalars(select(PreferenceRow).where(PreferenceRow.party_id == "russia")).one()
        ctx = f"zopa-room:{made.room}:preferences:russia"
        row.wrapped_key, row.ciphertext = key.seal(json.dumps(ua).encode(), ctx)
    bad = verify(db, key)
    assert not bad.ok and bad.table == "preferences" and bad.row == "russia"


def test_cli_does_not_load_the_server_stack() -> None:
    """`zopa --help` stays fast: FastAPI, SQLAlchemy and Uvicorn load inside the commands."""
    import subprocess
    import sys

    code = (
        "import sys; from zopa.cli.commands import load_all; load_all(); "
        "heavy = ('fastapi', 'sqlalchemy', 'uvicorn', 'cryptography'); "
        "bad = [m for m in heavy if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert got.returncode == 0, got.stdout + got.stderr
