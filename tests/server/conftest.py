"""Fixtures for the mediation room: a fresh database on SQLite and on PostgreSQL, the room key,
an app and a room made from the Ukraine example.

PostgreSQL comes from ``ZOPA_TEST_PG_URL`` (a superuser URL, as ``.ci/services.sh`` prints);
each test session creates its own database with a random name and drops it afterwards, so
concurrent runs never collide. Without the variable the PostgreSQL cases skip, except under
``ZOPA_CI=1`` where they fail.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import need

ROOT = Path(__file__).resolve().parents[2]
UKRAINE = ROOT / "examples" / "ukraine-2025.yaml"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    url = need("ZOPA_TEST_PG_URL", "the PostgreSQL tests")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = make_url(url)
    name = f"zopa_room_{secrets.token_hex(6)}"
    eng = create_engine(admin, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with eng.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        eng.dispose()


@pytest.fixture(autouse=True)
def room_key(monkeypatch: pytest.MonkeyPatch) -> str:
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    monkeypatch.setenv("ZOPA_ROOM_KEY", key)
    return key


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'room.db'}"
    base: str = request.getfixturevalue("pg_url")
    return base


@pytest.fixture
def db(db_url: str) -> Iterator[Any]:
    from zopa.server import open_db

    database = open_db(db_url)
    yield database
    if database.engine.dialect.name == "postgresql":
        from zopa.server.db import Base

        with database.engine.begin() as c:
            for t in reversed(Base.metadata.sorted_tables):
                c.execute(t.delete())
    database.dispose()


@pytest.fixture
def key() -> Any:
    from zopa.server import load_or_create_key

    return load_or_create_key(Path("/nonexistent"), create=False)


def ukraine_data() -> dict[str, Any]:
    from zopa.io.files import read_document

    data: dict[str, Any] = read_document(UKRAINE).data
    return data


@pytest.fixture
def made(db: Any, key: Any) -> Any:
    """A room from the Ukraine example with every delegation's preferences entered."""
    from zopa.server import Policy, create_room

    return create_room(
        db,
        key,
        ukraine_data(),
        policy=Policy.model_validate({"mediator": {"zone_size": True, "suggestion": "nash"}}),
        with_preferences=True,
    )


@pytest.fixture
def bare(db: Any, key: Any) -> Any:
    """A room from the Ukraine example with no preferences entered yet."""
    from zopa.server import Policy, create_room

    return create_room(db, key, ukraine_data(), policy=Policy())


@pytest.fixture
def client(db: Any, key: Any) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from zopa.server import create_app
    from zopa.server.auth import LoginLimiter

    with TestClient(create_app(db, key, limiter=LoginLimiter(limit=10_000))) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
