"""CLI commands for the mediation room: ``zopa room create``, ``zopa serve``,
``zopa audit verify``. FastAPI, SQLAlchemy and Uvicorn load inside the commands only."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from zopa.cli.app import Bounded, app

room_app = typer.Typer(help="Mediation rooms: create one from a scenario.", no_args_is_help=True)
audit_app = typer.Typer(help="The room's audit chain.", no_args_is_help=True)
app.add_typer(room_app, name="room")
app.add_typer(audit_app, name="audit")

DEFAULT_DB = "sqlite:///room.db"
DbOpt = Annotated[
    str,
    typer.Option(
        "--db", help="database URL: sqlite:///room.db or postgresql+psycopg://user:pw@host/db"
    ),
]
KeyOpt = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="the room key file (default: beside a SQLite file as FILE.key, else ./zopa-room.key); "
        "ZOPA_ROOM_KEY overrides it",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON object")]


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def default_key_file(db: str) -> Path:
    """Where the room key lives when ``--key-file`` is not given."""
    if db.startswith("sqlite:///") and db not in ("sqlite:///", "sqlite:///:memory:"):
        return Path(db.removeprefix("sqlite:///") + ".key")
    return Path("zopa-room.key")


@room_app.command("create")
def room_create_cmd(
    scenario: Annotated[Path, typer.Argument(help="scenario file: its public part makes the room")],
    db: DbOpt = DEFAULT_DB,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="disclosure policy file (YAML/JSON)")
    ] = None,
    with_preferences: Annotated[
        bool,
        typer.Option(
            "--with-preferences",
            help="demo: enter each party's preferences from the file as its delegation would",
        ),
    ] = False,
    key_file: KeyOpt = None,
    base_url: Annotated[
        str, typer.Option("--base-url", help="where the room will be served (for invite links)")
    ] = "http://127.0.0.1:8000",
    as_json: JsonOpt = False,
) -> None:
    """Make a room from a scenario's public part; print the room id, the tokens and links."""
    from zopa.io.files import read_document
    from zopa.io.policy import Policy
    from zopa.model.build import build_scenario
    from zopa.server import create_room, load_policy, open_db

    doc = read_document(scenario)
    build_scenario(doc.data, file=doc.file, locate=doc.locate)
    pol = load_policy(policy) if policy is not None else Policy()
    kf = key_file or default_key_file(db)
    database = open_db(db)
    try:
        key = _room_key(database, kf)
        made = create_room(
            database, key, doc.data, policy=pol, with_preferences=with_preferences, file=doc.file
        )
    finally:
        database.dispose()
    import os

    from zopa.server.crypto import KEY_ENV

    out = made.to_dict()
    out["links"] = {
        k: v.replace("http://127.0.0.1:8000", base_url.rstrip("/")) for k, v in out["links"].items()
    }
    if not os.environ.get(KEY_ENV):
        out["key_file"] = str(kf)
    if as_json:
        _print_json(out)
        return
    typer.echo(f"room {made.room}: {doc.data.get('title', '')}")
    typer.echo("tokens are shown once; hand each to its holder only")
    typer.echo(f"  mediator: {made.mediator}")
    for p, t in made.delegations.items():
        typer.echo(f"  {p}: {t}")
    typer.echo("invite links:")
    for p, link in out["links"].items():
        typer.echo(f"  {p}: {link}")
    if "key_file" in out:
        typer.echo(
            f"room key: {out['key_file']} (mode 0600; keep it off the database host's backups)"
        )


def _room_key(database: Any, kf: Path) -> Any:
    """The database's room key: made only for a database that holds no room yet, and checked
    against the rooms already there (a lost key file is named, never silently replaced)."""
    import os

    from sqlalchemy import select

    from zopa.server import load_or_create_key
    from zopa.server.crypto import KEY_ENV, KeyError_
    from zopa.server.db import Room

    with database.read() as s:
        prints = set(s.scalars(select(Room.key_fingerprint)))
    if prints and not os.environ.get(KEY_ENV) and not kf.exists():
        raise KeyError_(
            f"the database already holds rooms sealed with a room key, and "
            f"the key file {kf} is gone: without it their data can never be opened. Restore "
            f"{kf} (or set {KEY_ENV}), or make the new room in another database"
        )
    key = load_or_create_key(kf, create=not prints)
    if prints and key.fingerprint not in prints:
        raise KeyError_(
            f"the room key from {KEY_ENV if os.environ.get(KEY_ENV) else kf} is not the key "
            "of the rooms already in this database; give their key, or use another database"
        )
    return key


@app.command("serve")
def serve_cmd(
    db: DbOpt = DEFAULT_DB,
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", parser=Bounded(int, 1, 65535), help="port (1 to 65535)")
    ] = 8000,
    key_file: KeyOpt = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            help="addresses of the reverse proxies whose X-Forwarded-For is trusted "
            "(comma-separated); without it the socket's peer is the client address",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            parser=Bounded(int, 1, 64),
            help="server processes (1 to 64); they share everything through the database: "
            "rate limits, budgets, and each room's state, checked against its event log",
        ),
    ] = 1,
) -> None:
    """Serve the mediation rooms of a database (API under /api, pages at /)."""
    import os

    import uvicorn

    from zopa.server import create_app, load_or_create_key, open_db
    from zopa.server.app import SERVE_DB, SERVE_KEY_FILE, refused_rooms

    kf = key_file or default_key_file(db)
    key = load_or_create_key(kf, create=False)
    database = open_db(db)
    for room, why in refused_rooms(database, key).items():
        typer.echo(f"refusing room {room}: {why}", err=True)
    typer.echo(
        f"serving {db.split('@')[-1]} on http://{host}:{port}/ with {workers} worker"
        f"{'s' if workers > 1 else ''} (Ctrl-C stops)",
        err=True,
    )
    proxies: dict[str, Any] = {"proxy_headers": False}
    if forwarded_allow_ips:
        proxies = {"proxy_headers": True, "forwarded_allow_ips": forwarded_allow_ips}
    if workers == 1:
        app_ = create_app(database, key)
        uvicorn.run(app_, host=host, port=port, log_level="warning", **proxies)
        return
    database.dispose()
    # each worker process opens the database and the key itself (the key never goes through
    # the environment unless ZOPA_ROOM_KEY already holds it)
    os.environ[SERVE_DB] = db
    os.environ[SERVE_KEY_FILE] = str(kf.resolve())
    uvicorn.run(
        "zopa.server.app:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        **proxies,
    )


@audit_app.command("verify")
def audit_verify_cmd(
    db: DbOpt = DEFAULT_DB, key_file: KeyOpt = None, as_json: JsonOpt = False
) -> None:
    """Check every room's keyed event chain and replay it against every state table (members,
    policy, drafts, versions, amendments, consent, disclosures, budgets, sealed preferences):
    exit 0 when everything matches, 1 naming the first bad event or table and row."""
    from zopa.server import load_or_create_key, open_db, verify

    key = load_or_create_key(key_file or default_key_file(db), create=False)
    database = open_db(db)
    try:
        report = verify(database, key)
    finally:
        database.dispose()
    if as_json:
        _print_json(report.to_dict())
    elif report.ok:
        typer.echo(
            f"audit chain intact and state matches: {report.events} events, "
            f"{report.rows} rows in {len(report.heads)} room(s)"
        )
        for room, head in report.heads.items():
            typer.echo(f"  room {room}: head {head}")
    else:
        at = f" event {report.bad_seq}" if report.bad_seq is not None else ""
        typer.echo(f"audit BROKEN at room {report.bad_room}{at}: {report.reason}")
    if not report.ok:
        raise SystemExit(1)
