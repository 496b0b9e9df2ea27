"""The room's database: SQLAlchemy 2 typed mappings, engines, migrations, one unit of work.

Every schema change is an Alembic migration (``zopa/server/migrations``); :func:`open_db`
upgrades the database to the newest one. SQLite (the default) runs in WAL mode with
``synchronous=FULL`` and takes the write lock at the start of each transaction, so concurrent
writers queue instead of failing; PostgreSQL writers lock the room row they change.
"""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from zopa.errors import ZopaError

__all__ = [
    "ROOM_FORMAT",
    "Amendment",
    "AuditEvent",
    "Base",
    "Database",
    "DatabaseError",
    "Disclosure",
    "DraftRow",
    "DraftVersion",
    "Member",
    "PreferenceRow",
    "Room",
    "SessionRow",
    "SignInFailure",
    "dumps",
    "now",
    "open_db",
]


class DatabaseError(ZopaError):
    """A database URL that cannot be used, or a database that cannot be opened."""


def now() -> str:
    """The current UTC time as stored (ISO 8601, microseconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def dumps(obj: Any) -> str:
    """Canonical JSON (sorted keys, no spaces): what is stored and what is hashed."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Base(DeclarativeBase):
    pass


# worker threads of one serving process (the sync routes and the database sessions run there;
# ZOPA_SERVE_THREADS): more only contend for the interpreter lock, and a thread that holds a
# room's write lock waits for the interpreter at every statement; the connection pools are as
# large
def _threads(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and 1 <= int(text) <= 256 else default


SERVE_THREADS = _threads(os.environ.get("ZOPA_SERVE_THREADS"), 8)

ROOM_FORMAT = 2  # rooms of an older format (clear-text answers, SHA-256 chain) are refused


class Room(Base):
    __tablename__ = "rooms"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    public: Mapped[str] = mapped_column(Text)  # the scenario's public part, canonical JSON
    policy: Mapped[str] = mapped_column(Text)  # the disclosure policy, canonical JSON
    created_at: Mapped[str] = mapped_column(String(32))
    key_fingerprint: Mapped[str] = mapped_column(String(32))
    format: Mapped[int] = mapped_column(Integer)


class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # mediator | delegation
    party_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    consent_acceptability: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    mac: Mapped[str] = mapped_column(String(64))  # HMAC over room, role, party, token, active


class PreferenceRow(Base):
    __tablename__ = "preferences"
    __table_args__ = (UniqueConstraint("room_id", "party_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"), index=True)
    party_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[str] = mapped_column(String(32))
    round: Mapped[int] = mapped_column(Integer)  # preference rounds opened (1: first entry)
    locked: Mapped[bool] = mapped_column(Boolean)  # an answer to someone else used this version
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class DraftRow(Base):
    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("room_id", "draft_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"), index=True)
    draft_id: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(100), nullable=True)
    revises: Mapped[str | None] = mapped_column(String(100), nullable=True)
    package: Mapped[str] = mapped_column(Text)  # canonical JSON issue -> option
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(32))
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class DraftVersion(Base):
    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("room_id", "draft_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"), index=True)
    draft_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    package: Mapped[str] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String(32))


class Amendment(Base):
    __tablename__ = "amendments"
    __table_args__ = (UniqueConstraint("room_id", "ref"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)  # internal
    ref: Mapped[str] = mapped_column(String(24))  # the id members see: random, per room
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"), index=True)
    draft_id: Mapped[str] = mapped_column(String(100))
    party_id: Mapped[str] = mapped_column(String(100))
    base_version: Mapped[int] = mapped_column(Integer)
    changes: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # proposed | merged | rejected
    created_at: Mapped[str] = mapped_column(String(32))
    decided_version: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Disclosure(Base):
    """An answer derived from private data: who asked, what kind, whose data, and the question
    and answer sealed (AES-GCM, associated data naming room, asker, parties and record)."""

    __tablename__ = "disclosures"
    __table_args__ = (UniqueConstraint("room_id", "ref"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)  # internal
    ref: Mapped[str] = mapped_column(String(24))  # the id members see: random, per room
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"), index=True)
    at: Mapped[str] = mapped_column(String(32))
    asker: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    parties: Mapped[str] = mapped_column(Text)  # JSON list of party ids whose data was used
    counted: Mapped[bool] = mapped_column(Boolean)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)  # {"question", "answer"}, sealed


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("room_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(String(32), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    data: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))  # HMAC-SHA-256 under the room's log key


class SignInFailure(Base):
    """Failed sign-ins per client address and time window, shared by every server process."""

    __tablename__ = "sign_in_failures"
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class SessionRow(Base):
    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[str] = mapped_column(String(32))


@dataclass
class Guard:
    """What a serving process knows about its rooms: the room key (to check member tags) and
    the rooms it refuses (state that does not match the event log), with the reason."""

    key: Any = None
    refused: dict[str, str] = field(default_factory=dict)
    views: dict[Any, Any] = field(default_factory=dict)  # room (or room, seq) -> its View
    lock: threading.Lock = field(default_factory=threading.Lock)
    db: Any = None  # the Database it guards (a full check run in the background reads it)
    checked: dict[str, float] = field(default_factory=dict)  # room -> last full check passed
    checking: set[str] = field(default_factory=set)  # rooms whose full check is running


class Slow(Exception):
    """The work needs more than a caller on the event loop may do: do it in a worker thread."""


# set by :func:`zopa.server.view.quick` around work done on the event loop
QUICK: ContextVar[bool] = ContextVar("zopa_quick_view", default=False)


def guard_of(s: Session) -> Guard:
    g = s.info.get("guard")
    return g if isinstance(g, Guard) else Guard()


class _Held:
    """The read session one request shares between its authentication and its route."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.session: Session | None = None
        self.depth = 0
        # room -> its view at the log head the caller's authentication statement read (with
        # the member row, in one snapshot): what reads of immutable state may answer from
        self.pinned: dict[str, Any] = {}

    def enter(self) -> Token[_Held | None]:
        return _REQUEST.set(self)

    def leave(self, token: Token[_Held | None]) -> None:
        _REQUEST.reset(token)

    def close(self) -> None:
        s, self.session = self.session, None
        if s is not None:
            _end_read(s)


def _end_read(s: Session) -> None:
    """End a read-only transaction with COMMIT, not ROLLBACK (the same for a read): psycopg
    deallocates every prepared statement of a connection at a ROLLBACK, so reads ended that
    way would never run prepared."""
    try:
        if s.in_transaction() and s.is_active:
            s.commit()
    finally:
        s.close()


_REQUEST: ContextVar[_Held | None] = ContextVar("zopa_request_session", default=None)


# a statement compiled for :meth:`Database.rows`: SQL, bound values, parameter order, row type,
# boolean columns
_Plan = tuple[str, dict[str, Any], tuple[str, ...] | None, Any, frozenset[int]]


class Database:
    """An engine and its session factory; :meth:`write` and :meth:`read` are units of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        self.guard = Guard()
        self.guard.db = self
        info = {"guard": self.guard}
        self._factory = sessionmaker(engine, expire_on_commit=False, info=info)
        # a read sees one snapshot (SQLite's deferred transaction does; PostgreSQL's default
        # READ COMMITTED does not), so the log head it reads and the rows it reads agree
        reads: dict[str, Any] = {"zopa_read": True}
        if not self.sqlite:
            reads["isolation_level"] = "REPEATABLE READ"
        self._reader = sessionmaker(
            engine.execution_options(**reads),
            expire_on_commit=False,
            info={**info, "zopa_read": True},  # one snapshot: a room's view is read once in it
        )
        self._plans: dict[Any, _Plan] = {}
        self._inserts: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...] | None]] = {}

    @contextmanager
    def read(self, *, keep: bool = False) -> Iterator[Session]:
        """A read-only unit of work (on SQLite a deferred transaction: readers run together).

        Inside :meth:`request` the reads of one request share one snapshot: ``keep=True`` (the
        caller's authentication) leaves the session open for the request's next read, which
        reuses it and closes it at its end; a write closes it first, so that what a request
        reads after its own write is read afresh.
        """
        held = _REQUEST.get()
        if QUICK.get() and not self.sqlite:  # on the event loop: one-statement reads only
            raise Slow("a PostgreSQL transaction")
        if held is None or held.db is not self:
            s = self._reader()
            try:
                yield s
            except BaseException:
                s.close()
                raise
            _end_read(s)
            return
        if held.session is None:
            held.session = self._reader()
        s = held.session
        held.depth += 1
        try:
            yield s
        finally:
            held.depth -= 1
            if not keep and held.depth == 0:
                held.close()

    def once(self, statement: Any, params: dict[str, Any]) -> Any:
        """The first row of one statement run on its own, outside any transaction (on
        PostgreSQL in autocommit: one round trip, no BEGIN and no ROLLBACK). One statement sees
        one snapshot; use it only for what needs no other read to agree with it, or for rows
        that are never changed (events, recorded answers)."""
        got = self.rows(statement, params, first=True)
        return got[0] if got else None

    def rows(self, statement: Any, params: dict[str, Any], *, first: bool = False) -> list[Any]:
        """Every row of one statement run on its own (see :meth:`once`), as named tuples.

        It runs on the driver's connection (from the pool, with its checks), compiled once per
        statement: SQLAlchemy's per-statement work (a Connection, an execution context, a
        result) cost more than the round trip. The statements given here select plain columns
        (text, integers, bytes, and booleans: SQLite's 0/1 are made bool)."""
        plan = self._plan(statement)
        sql, args = plan[0], self._args(plan, params)
        fairy = self.engine.raw_connection()
        try:
            conn = fairy.driver_connection
            if not self.sqlite:
                conn.autocommit = True  # type: ignore[union-attr]
            cur = fairy.cursor()
            try:
                cur.execute(sql, args)
                got = [cur.fetchone()] if first else cur.fetchall()
            finally:
                cur.close()
            if not self.sqlite:
                conn.autocommit = False  # type: ignore[union-attr]
        except BaseException:
            fairy.invalidate()  # a broken or half-used connection never goes back to the pool
            raise
        finally:
            fairy.close()
        return [self._row(plan, r) for r in got if r is not None]

    def _plan(self, statement: Any) -> _Plan:
        """A statement compiled for this database: its SQL, its parameters' bound values, their
        order (None: by name), a named-tuple type for its rows, and which columns are booleans
        to convert."""
        got = self._plans.get(statement)
        if got is None:
            from collections import namedtuple

            from sqlalchemy import Boolean

            compiled = statement.compile(dialect=self.engine.dialect)
            names = [c.key for c in statement.selected_columns]
            order = tuple(compiled.positiontup) if compiled.positiontup else None
            flags = frozenset(
                k
                for k, c in enumerate(statement.selected_columns)
                if self.sqlite and isinstance(c.type, Boolean)
            )
            row_type = namedtuple("Row", names, rename=True)  # type: ignore[misc]
            got = (compiled.string, dict(compiled.params), order, row_type, flags)
            self._plans[statement] = got
        return got

    def pinned(self, room_id: str) -> Any:
        """The room's view the request's authentication pinned (see :class:`_Held`), if any."""
        held = _REQUEST.get()
        return held.pinned.get(room_id) if held is not None and held.db is self else None

    def pin(self, room_id: str, view: Any) -> None:
        held = _REQUEST.get()
        if held is not None and held.db is self:
            held.pinned[room_id] = view

    def request_scope(self) -> _Held:
        """One request's scope for :meth:`read` (:class:`zopa.server.app.Gate` binds it with
        ``enter`` and ends it with ``leave``, closing what the request left open)."""
        return _Held(self)

    @contextmanager
    def write(self, room_id: str | None = None) -> Iterator[Session]:
        """A transaction that commits on success; it locks ``room_id``'s row first on PostgreSQL
        (SQLite takes its database write lock at BEGIN), so one room's writes are serial."""
        _before_write(self)
        with self._factory() as s, s.begin():
            if room_id is not None and not self.sqlite:
                # the room's row, locked and loaded: held here (the session's identity map
                # holds rows weakly), so the write's own reads of it find it without a query
                s.info["zopa_locked_room"] = s.get(Room, room_id, with_for_update=True)
            yield s

    @contextmanager
    def add_rows(self, room_id: str, *reads: tuple[Any, dict[str, Any]]) -> Iterator[Adding]:
        """A write of ``room_id`` that only adds rows (an amendment proposed, with its event):
        the room's row is locked and read, then each of ``reads`` runs (in that transaction,
        after the lock, so it sees every write committed before); the body reads what it needs
        from the :class:`Adding` it is given and queues its rows with :meth:`Adding.insert`;
        they are inserted and committed when the body ends (nothing is if it raises).

        On PostgreSQL that is two round trips, each one psycopg pipeline: the lock with the
        reads, then the inserts with the COMMIT. The room's lock is held only between them,
        while the body's own Python runs once: a write through :meth:`write` waits for the
        interpreter after each of its statements with the lock held, and under load those
        waits were what queued one room's writes (issue 21 §3). On SQLite the same
        statements run one by one after ``BEGIN IMMEDIATE`` (no round trips: the lock is held
        for the statements and the commit's flush).

        Called on the event loop (inside :func:`zopa.server.view.quick`) it runs there, as a
        hot read does, waiting at most :data:`LOOP_LOCK_WAIT_MS` for the lock: when another
        write holds it longer, or when the request's read transaction must end first, it rolls
        back and raises :class:`Slow`, nothing written, and the caller runs it again in a worker
        thread (where a write waits for the lock as long as it takes). In a worker thread,
        under load, the writer waited for the interpreter lock the event loop held, with the
        database's lock held.
        """
        quick = QUICK.get()
        _before_write(self, on_loop=quick)
        plans = [self._plan(_ROOM_ROW)] + [self._plan(st) for st, _ in reads]
        args = [self._args(plans[0], {"room": room_id})] + [
            self._args(plan, params) for plan, (_, params) in zip(plans[1:], reads, strict=True)
        ]
        fairy = self.engine.raw_connection()
        conn: Any = fairy.driver_connection
        try:
            cur = fairy.cursor()
            try:
                if self.sqlite:
                    if quick:  # on the event loop: wait for the write lock briefly
                        cur.execute(f"PRAGMA busy_timeout = {LOOP_LOCK_WAIT_MS}")
                    cur.execute("BEGIN IMMEDIATE")
                    got = []
                    for plan, a in zip(plans, args, strict=True):
                        cur.execute(plan[0], a)
                        got.append(cur.fetchone())
                else:
                    curs = [cur] + [conn.cursor() for _ in reads]
                    with conn.pipeline():
                        if quick:  # on the event loop: wait for the room's lock briefly
                            cur.execute(f"SET LOCAL lock_timeout = {LOOP_LOCK_WAIT_MS}")
                        for c, plan, a in zip(curs, plans, args, strict=True):
                            c.execute(plan[0], a)
                    got = [c.fetchone() for c in curs]
                rows = [self._row(plan, r) for plan, r in zip(plans, got, strict=True)]
                adding = Adding(rows[0], rows[1:])
                yield adding
                inserts = [self._insert(table, values) for table, values in adding.queued]
                if self.sqlite:
                    for sql, a in inserts:
                        cur.execute(sql, a)
                    cur.execute("COMMIT")
                else:
                    with conn.pipeline():
                        for sql, a in inserts:
                            cur.execute(sql, a)
                        conn.commit()
            finally:
                if quick and self.sqlite:
                    cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
                cur.close()
        except BaseException as exc:
            try:
                if self.sqlite:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                else:
                    conn.rollback()
            except Exception:
                fairy.invalidate()  # a broken connection never goes back to the pool
            if quick and _lock_wait(exc):  # nothing was written: do it again in a thread
                raise Slow("the room's write lock is held") from None
            raise
        finally:
            fairy.close()

    def _args(self, plan: _Plan, params: dict[str, Any]) -> Any:
        """A compiled statement's arguments: its bound values with ``params``, in its order."""
        values = {**plan[1], **params}  # a LIMIT's bound value, with the caller's
        order = plan[2]
        return values if order is None else tuple(values[k] for k in order)

    def _row(self, plan: _Plan, r: Any) -> Any:
        """A driver's row as the statement's named tuple (SQLite's 0/1 made bool)."""
        if r is None:
            return None
        flags = plan[4]
        if flags:
            r = tuple(bool(v) if k in flags and v is not None else v for k, v in enumerate(r))
        return plan[3]._make(r)

    def _insert(self, table: Any, values: dict[str, Any]) -> tuple[str, Any]:
        """An INSERT of ``values`` into ``table`` for this database, compiled once per table
        and set of columns."""
        k = (table.name, tuple(values))
        got = self._inserts.get(k)
        if got is None:
            from sqlalchemy import bindparam, insert

            stmt = insert(table).values({c: bindparam(c) for c in values})
            compiled = stmt.compile(dialect=self.engine.dialect)
            order = tuple(compiled.positiontup) if compiled.positiontup else None
            got = self._inserts[k] = (compiled.string, order)
        sql, order = got
        return sql, (values if order is None else tuple(values[c] for c in order))

    def dispose(self) -> None:
        self.engine.dispose()


class Adding:
    """What :meth:`Database.add_rows` gives its body: the locked room's row (None: no such
    room), the rows its reads found (each the first row, or None) and the rows to insert."""

    __slots__ = ("queued", "room", "rows")

    def __init__(self, room: Any, rows: list[Any]) -> None:
        self.room = room
        self.rows = rows
        self.queued: list[tuple[Any, dict[str, Any]]] = []

    def insert(self, table: Any, values: dict[str, Any]) -> None:
        """Queue one row of ``table`` (a :class:`sqlalchemy.Table`): column name -> value."""
        self.queued.append((table, values))


def _lock_wait(exc: BaseException) -> bool:
    """Whether ``exc`` is a wait for a lock that ran out (PostgreSQL's ``lock_timeout``,
    SQLite's busy timeout)."""
    name = type(exc).__name__
    if name == "LockNotAvailable":
        return True
    return name == "OperationalError" and (
        "locked" in str(exc) or "busy" in str(exc)
    )  # sqlite3: "database is locked"


def _before_write(db: Database, *, on_loop: bool = False) -> None:
    """What a write does first: refuse to run on the event loop (unless ``on_loop``: a
    :meth:`Database.add_rows` on PostgreSQL), and end the request's shared read snapshot."""
    if QUICK.get() and not on_loop:
        raise Slow("a write")
    held = _REQUEST.get()
    if held is not None and held.db is db:
        if on_loop and held.session is not None and held.depth == 0:
            raise Slow("a read transaction to end first")  # its COMMIT is a round trip
        held.pinned.clear()  # what the request reads next, it reads after its write
        if held.depth == 0:
            held.close()  # the request's shared read snapshot ends before its write


def _room_row() -> Any:
    from sqlalchemy import bindparam, select

    t = Room.__table__
    return select(*t.c).where(t.c.id == bindparam("room")).with_for_update()


# how long a write on the event loop waits for its room's lock (PostgreSQL) or the database's
# write lock (SQLite) before it is done again in a worker thread, in milliseconds
LOOP_LOCK_WAIT_MS = 20
SQLITE_BUSY_MS = 60_000  # how long any other SQLite statement waits for a lock
_ROOM_ROW = _room_row()  # a room's row, locked for a write (PostgreSQL; SQLite locks at BEGIN)


_URL_HINT = "use sqlite:///room.db or postgresql+psycopg://user:password@host/dbname"


def _engine(url: str) -> Engine:
    try:
        u = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"`{url}` is not a database URL; {_URL_HINT}") from None
    backend = u.get_backend_name()
    if backend == "sqlite":
        _prepare_sqlite_file(u.database, uri=bool(u.query.get("uri")))
        try:
            engine = create_engine(
                u,
                connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000},
                pool_size=SERVE_THREADS,
                max_overflow=SERVE_THREADS,
            )
        except ArgumentError as exc:  # NoSuchModuleError: an unknown driver
            raise DatabaseError(
                f"unknown SQLite driver `{u.drivername}` in {url}: {exc}; {_URL_HINT}"
            ) from None

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _rec: Any) -> None:
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            read = conn.get_execution_options().get("zopa_read", False)
            conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

        return engine
    if backend == "postgresql":
        if u.drivername != "postgresql+psycopg":
            u = u.set(drivername="postgresql+psycopg")
        # as many pooled connections as a serving process runs threads (no connection is
        # opened and closed per request when they are all busy: a PostgreSQL connection is a
        # process on the server)
        engine = create_engine(u, pool_size=SERVE_THREADS, max_overflow=SERVE_THREADS)
        _ping_when_idle(engine)
        return engine
    raise DatabaseError(f"unsupported database `{backend}` in {url.split('@')[-1]}; {_URL_HINT}")


# a pooled connection idle longer than this is pinged before use (one round trip); one used
# more recently is not: a request pays no ping, and a server restarted meanwhile still costs
# no failed request unless it restarted within these seconds
PING_IDLE_SECONDS = 2.0


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's ``pool_pre_ping`` pings at every checkout (a round trip per request); this
    pings only connections that sat idle in the pool, and replaces one that fails."""
    from sqlalchemy import exc

    @event.listens_for(engine.pool, "connect")
    def _connected(_conn: Any, record: Any) -> None:
        record.info["zopa_idle_since"] = time.monotonic()

    @event.listens_for(engine.pool, "checkin")
    def _checkin(_conn: Any, record: Any) -> None:
        if record is not None:
            record.info["zopa_idle_since"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _checkout(conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("zopa_idle_since")
        if since is not None and time.monotonic() - since < PING_IDLE_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(conn)
        except Exception as err:  # a closed socket, a restarted server
            raise exc.DisconnectionError(f"a pooled connection is gone: {err}") from err
        if not alive:
            raise exc.DisconnectionError("a pooled connection is gone")


def _prepare_sqlite_file(database: str | None, *, uri: bool) -> None:
    """Create a new SQLite file with mode 0600 (SQLite gives its WAL and SHM files the same
    mode), refuse one that others can read, and name the file in every fault."""
    if not database or database == ":memory:" or uri:
        return
    path = Path(database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise DatabaseError(
            f"cannot create the database file {path}: {exc.strerror or exc}; "
            "choose a writable path whose folders are folders (sqlite:///path/room.db)"
        ) from None
    for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            st = f.stat()
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            raise DatabaseError(f"the database path {f} is not a regular file")
        mode = stat.S_IMODE(st.st_mode)
        if mode & 0o077:
            raise DatabaseError(
                f"the database file {f} is readable by others (mode {mode:o}); run `chmod 600 {f}`"
            )


def open_db(url: str, *, migrate: bool = True) -> Database:
    """Open ``url`` and bring its schema to the newest migration."""
    from alembic.util.exc import CommandError
    from sqlalchemy.exc import DBAPIError

    engine = _engine(url)
    shown = engine.url.render_as_string(hide_password=True)
    if migrate:
        try:
            upgrade(engine)
        except DBAPIError as exc:
            engine.dispose()
            raise DatabaseError(_db_fault(shown, engine, exc)) from None
        except CommandError as exc:
            engine.dispose()
            raise DatabaseError(
                f"the database {shown} has a schema revision this zopa does not know ({exc}); "
                "it was made by a newer zopa: upgrade zopa, or use another database"
            ) from None
    return Database(engine)


def _db_fault(shown: str, engine: Engine, exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc)).strip()
    if engine.dialect.name == "sqlite":
        if "not a database" in text:
            return (
                f"{shown} is not a SQLite database (the file holds something else); "
                "give a new file name or a room database"
            )
        if "unable to open" in text:
            return (
                f"cannot open the database {shown}: the file is missing or not readable "
                "(a read-only URI needs an existing file: run `zopa room create` first)"
            )
    return f"cannot open the database {shown}: {text}"


def upgrade(engine: Engine) -> None:
    """Apply every Alembic migration not yet applied."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        return
    # SQLite alters a table by copying it and dropping the old one, which foreign keys forbid
    # while rows point at it: SQLite's own recipe turns them off (outside any transaction) for
    # the migration, then checks every row still points at something before committing.
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise DatabaseError(
                        f"the migration would leave {len(broken)} rows pointing at nothing "
                        f"(first: table {broken[0][0]}, row {broken[0][1]}); nothing was changed"
                    )
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
