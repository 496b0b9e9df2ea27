"""Property tests of the disclosure policy: for every route and role, no response carries
another delegation's preferences or anything the room's policy does not allow, and what a
delegation is told about itself does not change when another delegation's data does.

Each delegation's preferences carry canaries: weights and values with seven decimals (the
room rounds what it derives to six) and red lines spelt with a spacing unique to the party.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.server.conftest import bearer

ISSUES = {"a": ["a0", "a1", "a2"], "b": ["b0", "b1", "b2"], "c": ["c0", "c1"]}
PARTIES = ["p0", "p1", "p2", "obs"]
PUBLIC: dict[str, Any] = {
    "title": "policy property room",
    "issues": [{"id": k, "options": v} for k, v in ISSUES.items()],
    "parties": [{"id": p, "role": "observer" if p == "obs" else "party"} for p in PARTIES],
    "drafts": [
        {"id": "d1", "package": {"a": "a0", "b": "b1", "c": "c0"}},
        {"id": "d2", "revises": "d1", "package": {"a": "a2", "b": "b1", "c": "c1"}},
    ],
}


def canary(k: int) -> st.SearchStrategy[float]:
    # seven decimals, the last one party k's own: never equal to another party's, nor to
    # anything the room rounds to six
    return st.integers(1000, 999_999).map(lambda n: round(n / 1e6 + (k + 1) * 1e-7, 7))


@st.composite
def block(draw: st.DrawFn, k: int) -> dict[str, Any]:
    red = []
    for issue, opts in ISSUES.items():
        if draw(st.booleans()):
            red.append(f"{issue}{' ' * (k + 2)}!= {draw(st.sampled_from(opts))}")
    return {
        "weights": {i: draw(canary(k)) for i in ISSUES},
        "values": {i: {o: draw(canary(k)) for o in opts} for i, opts in ISSUES.items()},
        "reservation": draw(canary(k)),
        "red_lines": red,
    }


policies = st.fixed_dictionaries(
    {
        "budget": st.integers(0, 6),
        "mediator": st.fixed_dictionaries(
            {
                "readiness": st.booleans(),
                "overlap": st.booleans(),
                "zone_size": st.booleans(),
                "suggestion": st.sampled_from(["none", "nash", "utilitarian", "egalitarian"]),
                "acceptability": st.sampled_from(["never", "consent"]),
            }
        ),
        "delegations": st.fixed_dictionaries({"feedback": st.booleans(), "overlap": st.booleans()}),
    }
)


def _secrets(b: dict[str, Any]) -> list[str]:
    out = [repr(b["reservation"])]
    out += [repr(w) for w in b["weights"].values()]
    out += [repr(v) for vals in b["values"].values() for v in vals.values()]
    out += list(b["red_lines"])
    return out


ROUTES = [
    "",
    "/policy",
    "/preferences",
    "/overlap",
    "/drafts",
    "/drafts/d1",
    "/drafts/d2",
    "/drafts/d2/feedback",
    "/drafts/d2/feedback?version=1",
    "/drafts/d1/acceptability",
    "/audit",
    "/disclosures",
]


def _all(c: Any, room: str, token: str) -> dict[str, tuple[int, Any]]:
    out = {}
    for r in ROUTES:
        resp = c.get(f"/api/rooms/{room}{r}", headers=bearer(token))
        assert resp.status_code < 500, (r, resp.text)
        out[r] = (resp.status_code, resp.json())
    return out


@pytest.fixture(scope="module")
def room_env(tmp_path_factory: pytest.TempPathFactory) -> Any:
    import base64
    import os
    import secrets

    from fastapi.testclient import TestClient

    from zopa.server import create_app, load_or_create_key, open_db
    from zopa.server.auth import LoginLimiter

    os.environ.setdefault(
        "ZOPA_ROOM_KEY", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    )
    key = load_or_create_key(Path("/nonexistent"), create=False)
    db = open_db(f"sqlite:///{tmp_path_factory.mktemp('props') / 'room.db'}")
    with TestClient(create_app(db, key, limiter=LoginLimiter(limit=10**6))) as c:
        yield db, key, c
    db.dispose()


@settings(
    max_examples=12,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # an example is slow to shrink
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    policy=policies,
    blocks=st.tuples(block(0), block(1), block(2), block(3)),
    consent=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
    other=block(0),
)
def test_no_response_leaks(
    room_env: Any,
    policy: dict[str, Any],
    blocks: tuple[dict[str, Any], ...],
    consent: tuple[bool, ...],
    other: dict[str, Any],
) -> None:
    from zopa.server import Policy, create_room

    db, key, c = room_env
    made = create_room(db, key, PUBLIC, policy=Policy.model_validate(policy))
    r = made.room
    for p, b, yes in zip(PARTIES, blocks, consent, strict=True):
        h = bearer(made.delegations[p])
        assert c.put(f"/api/rooms/{r}/preferences", headers=h, json=b).status_code == 200
        c.put(f"/api/rooms/{r}/consent", headers=h, json={"acceptability": yes})
    secret = {p: _secrets(b) for p, b in zip(PARTIES, blocks)}
    views = {"mediator": _all(c, r, made.mediator)}
    for p in PARTIES:
        views[p] = _all(c, r, made.delegations[p])

    for who, view in views.items():
        text = json.dumps(view)
        for p, items in secret.items():
            if p == who:
                continue
            leaked = [x for x in items if x in text]
            assert not leaked, (who, p, leaked)

    med = views["mediator"]
    pol = Policy.model_validate(policy)
    status, ov = med["/overlap"]
    if not pol.mediator.overlap:
        assert status == 403
    elif status == 200:
        assert (ov["zone_size"] is not None) == pol.mediator.zone_size
        assert (ov["suggestion_rule"] is not None) == (pol.mediator.suggestion != "none")
    else:
        assert status == 429 and pol.budget == 0
    assert (med[""][1]["readiness"] is not None) == pol.mediator.readiness
    status, acc = med["/drafts/d1/acceptability"]
    if pol.mediator.acceptability == "never":
        assert status == 403
    elif status == 200:
        for p, yes in zip(PARTIES, consent):
            if not yes:
                assert acc["parties"][p] is None
    for p in PARTIES:
        v = views[p]
        assert v["/audit"][0] == 403 and v["/drafts/d1/acceptability"][0] == 403
        assert v["/overlap"][0] in ((200, 429) if pol.delegations.overlap else (403,))
        assert v["/drafts/d2/feedback"][0] == (200 if pol.delegations.feedback else 403), v[
            "/drafts/d2/feedback"
        ]
        for d in v["/disclosures"][1]:
            assert p in d["parties"]
            if isinstance(d["answer"].get("parties"), dict):
                assert set(d["answer"]["parties"]) <= {p}

    # non-interference: p1's own answers do not move when p0's preferences do
    h0 = bearer(made.delegations["p0"])
    v0 = c.get(f"/api/rooms/{r}/preferences", headers=h0).json()["version"]
    h0 = {**h0, "If-Match": f'"{v0}"'}
    assert c.put(f"/api/rooms/{r}/preferences", headers=h0, json=other).status_code == 200
    again = _all(c, r, made.delegations["p1"])
    for route in ("/preferences", "/drafts/d2/feedback", "/drafts/d2/feedback?version=1"):
        assert again[route] == views["p1"][route]
