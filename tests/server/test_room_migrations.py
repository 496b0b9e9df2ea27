"""The room's Alembic migrations on a real SQLite file: a database made by the first revision,
holding a room of the first format, is brought to the newest revision by ``open_db``; its schema
is then the one the models create, the clear-text answers are gone, the members' ids are kept
and the old room is refused in words. (PostgreSQL runs the same migrations in every room test
of ``make test-all``.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

_SECRET = "QUESTION-KEPT-IN-CLEAR-BY-REVISION-0001"


def _upgrade_to(url: str, revision: str) -> None:
    """Run the migrations up to ``revision`` the way :func:`zopa.server.db.upgrade` runs them."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    import zopa.server.db as zdb

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(zdb.__file__).parent / "migrations"))
    engine = create_engine(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()


def _schema(url: str) -> dict[str, Any]:
    """Tables, columns (type, nullability), indexes and unique constraints, as SQLite has them."""
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    insp = inspect(engine)
    out: dict[str, Any] = {}
    for t in insp.get_table_names():
        if t == "alembic_version":
            continue
        out[t] = {
            "columns": {c["name"]: (str(c["type"]), c["nullable"]) for c in insp.get_columns(t)},
            "primary": sorted(insp.get_pk_constraint(t)["constrained_columns"]),
            "indexes": sorted(
                (tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(t)
            ),
            "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(t)),
            "foreign": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"])
                for f in insp.get_foreign_keys(t)
            ),
        }
    engine.dispose()
    return out


def _old_room(url: str) -> None:
    """A room as revision 0001 stored it: answers in clear, no format, no refs."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO rooms (id, title, public, policy, created_at, budget_used, "
                "key_fingerprint) VALUES ('r1', 'Old talks', '{}', '{}', '2025-01-01', 3, 'k')"
            )
        )
        c.execute(
            text(
                "INSERT INTO members (room_id, role, party_id, token_hash, "
                "consent_acceptability) VALUES ('r1', 'mediator', NULL, 'h1', 0)"
            )
        )
        for i in (1, 2):
            c.execute(
                text(
                    "INSERT INTO amendments (room_id, draft_id, party_id, base_version, "
                    "changes, status, created_at) "
                    "VALUES ('r1', 'd', 'p', 1, '{}', 'proposed', :at)"
                ),
                {"at": f"2025-01-0{i}"},
            )
        c.execute(
            text(
                "INSERT INTO disclosures (room_id, at, asker, kind, question, answer, parties, "
                "counted, fingerprint) "
                "VALUES ('r1', '2025-01-03', 'mediator', 'zone', :q, 'yes', '[]', 1, 'f')"
            ),
            {"q": _SECRET},
        )
    engine.dispose()


def test_fresh_database_migrated_to_head_has_the_schema_the_models_create(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    from zopa.server import open_db
    from zopa.server.db import Base

    migrated = f"sqlite:///{tmp_path / 'migrated.db'}"
    open_db(migrated).dispose()
    created = f"sqlite:///{tmp_path / 'created.db'}"
    engine = create_engine(created)
    Base.metadata.create_all(engine)
    engine.dispose()
    got, want = _schema(migrated), _schema(created)
    assert set(got) == set(want) == {t.name for t in Base.metadata.sorted_tables}
    for table in want:
        assert got[table] == want[table], table


def test_a_first_format_room_is_migrated_sealed_and_then_refused_in_words(
    tmp_path: Path,
) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect, text

    from zopa.server import open_db
    from zopa.server.db import Base
    from zopa.server.room_errors import Refused
    from zopa.server.rooms import load_room

    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    _upgrade_to(url, "0001")
    _old_room(url)
    path.chmod(0o600)
    db = open_db(url)
    try:
        with db.engine.connect() as c:
            assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
            assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []
            cols = {col["name"] for col in inspect(c).get_columns("disclosures")}
            assert "question" not in cols and "answer" not in cols
            assert "budget_used" not in {col["name"] for col in inspect(c).get_columns("rooms")}
            refs = c.execute(text("SELECT id, ref FROM amendments ORDER BY id")).all()
            assert [(i, r) for i, r in refs] == [(1, "1"), (2, "2")]
            row = c.execute(text("SELECT ref, sealed, counted FROM disclosures")).one()
            assert tuple(row) == ("1", b"", 1)
            member = c.execute(text("SELECT active, mac, token_hash FROM members")).one()
            assert tuple(member) == (1, "", "h1")
            assert c.execute(text("SELECT format FROM rooms")).scalar() == 1
        with db.read() as s, pytest.raises(Refused, match="older zopa") as err:
            load_room(s, "r1")
        assert "room format 1" in str(err.value) and "zopa room create" in str(err.value)
    finally:
        db.dispose()
    # the question is no longer in any table (SQLite may keep freed pages until VACUUM)
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as c:
        for (table,) in c.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")):
            for r in c.execute(text(f'SELECT * FROM "{table}"')):
                assert _SECRET not in repr(r), table
    engine.dispose()


def test_the_sealing_revision_cannot_be_undone(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    import zopa.server.db as zdb
    from zopa.server import open_db

    url = f"sqlite:///{tmp_path / 'room.db'}"
    _upgrade_to(url, "head")
    (tmp_path / "room.db").chmod(0o600)
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(zdb.__file__).parent / "migrations"))
    engine = create_engine(url)
    with engine.begin() as conn, pytest.raises(NotImplementedError, match="cannot be downgraded"):
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    engine.dispose()
    open_db(url).dispose()  # the refused downgrade changed nothing: the file still opens
