"""Load test of the mediation room on loopback: many concurrent clients against ``zopa serve``.

Starts ``zopa serve`` (SQLite in a temporary folder, or the database ``--db`` names: a
PostgreSQL URL such as ``postgresql+psycopg://user:pw@127.0.0.1/dbname``; the Ukraine example
with preferences entered) on a free 127.0.0.1 port with ``--workers`` processes, then runs
``--clients`` asyncio clients, each on one keep-alive connection, for ``--warmup`` seconds
unmeasured and ``--seconds`` seconds measured. Each client loops over a mix of what a room
sees: the room skeleton (mediator), a delegation's feedback on a draft (a sealed answer,
opened), the drafts list, the overlap answer (a repeat, not counted against the budget) and,
one request in ten, an amendment (a write, retried on 409). Prints requests/s and p50/p99
latency overall and per kind.

Beside requests/s and latency it prints the load average and the CPU time the server
processes (every worker), the PostgreSQL backends serving them and the load generator spent
per request, which the machine's other load does not inflate much: the capacity of a quiet
machine is about its cores / CPU s per request.

Run: ``python bench/bench_server.py [--clients 50] [--seconds 30] [--db URL] [--workers N]``
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


class _Conn:
    """A minimal HTTP/1.1 keep-alive client (one connection per simulated member): the load
    generator shares the machine's cores with the server, so it spends as little as it can
    (httpx costs about 2 ms of CPU a request, this about 0.1 ms)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, token: str, body: bytes | None = None
    ) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"{method} {path} HTTP/1.1\r\nhost: {self.host}:{self.port}\r\n"
            f"authorization: Bearer {token}\r\n"
        )
        if body is not None:
            head += f"content-type: application/json\r\ncontent-length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + (body or b""))
        status_line = await self.reader.readline()
        status = int(status_line.split(b" ", 2)[1])
        length, chunked, close = 0, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            data = b"".join(p[:-2] for p in parts)
        else:
            data = await self.reader.readexactly(length)
        if close:
            await self.close()
        return status, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


async def _client(
    n: int,
    base: str,
    room: str,
    tokens: dict[str, str],
    start: float,
    until: float,
    out: dict[str, list[float]],
    errors: list[str],
) -> None:
    parties = ["ukraine", "russia", "europe"]
    party = parties[n % 3]
    med, me = tokens["mediator"], tokens[party]
    version = 1
    change = {
        "ukraine": ("amnesty", "none"),
        "russia": ("amnesty", "full"),
        "europe": ("eu", "fixed_date"),
    }[party]
    host, _, port = base.removeprefix("http://").partition(":")
    c = _Conn(host, int(port))
    api = f"/api/rooms/{room}"
    k = n
    try:
        while time.monotonic() < until:
            k += 1
            kind = (
                "room",
                "feedback",
                "drafts",
                "overlap",
                "feedback",
                "room",
                "drafts",
                "feedback",
                "room",
                "amend",
            )[k % 10]
            t0 = time.perf_counter()
            if kind == "room":
                status, data = await c.request("GET", api, med)
            elif kind == "drafts":
                status, data = await c.request("GET", f"{api}/drafts", me)
            elif kind == "feedback":
                status, data = await c.request("GET", f"{api}/drafts/geneva/feedback", me)
            elif kind == "overlap":
                status, data = await c.request("GET", f"{api}/overlap", med)
            else:
                body = json.dumps({"changes": {change[0]: change[1]}, "base_version": version})
                status, data = await c.request(
                    "POST", f"{api}/drafts/plan-20/amendments", me, body.encode()
                )
                if status == 409:
                    version = json.loads(data)["current_version"]
                elif status == 201:
                    version = json.loads(data)["version"]
            dt = time.perf_counter() - t0
            if status >= 500 or (status >= 400 and status != 409):
                errors.append(f"{kind}: {status} {data[:100]!r}")
            if t0 >= start:  # the warm-up is not measured
                out.setdefault(kind, []).append(dt)
    finally:
        await c.close()


def _pg_backends(url: str) -> dict[int, float]:
    """CPU seconds of the PostgreSQL server processes connected to ``url``'s database."""
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    try:
        with eng.connect() as c:
            pids = [
                int(p)
                for (p,) in c.execute(
                    text(
                        "SELECT pid FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
            ]
    finally:
        eng.dispose()
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, float] = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a server on another machine: not counted
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and every live descendant (Linux /proc)."""
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                fields = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            kids.setdefault(int(fields[1]), []).append(int(d))
    total, todo = 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
        todo.extend(kids.get(p, []))
    return total


async def _run(
    base: str,
    room: str,
    tokens: dict[str, str],
    args: argparse.Namespace,
    server_pid: int,
    url: str,
) -> None:
    out: dict[str, list[float]] = {}
    errors: list[str] = []
    pg = url.startswith("postgresql")
    start = time.monotonic() + args.warmup
    until = start + args.seconds
    clients = [
        asyncio.ensure_future(_client(n, base, room, tokens, start, until, out, errors))
        for n in range(args.clients)
    ]
    await asyncio.sleep(args.warmup)  # every worker has answered, every pool is filled
    cpu0, mine0 = _tree_cpu(server_pid), time.process_time()
    db0 = _pg_backends(url) if pg else {}
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    await asyncio.gather(*clients)
    wall = time.perf_counter() - t0
    cpu, mine = _tree_cpu(server_pid) - cpu0, time.process_time() - mine0
    db1 = _pg_backends(url) if pg else {}
    dbcpu = sum(v - db0.get(p, 0.0) for p, v in db1.items())
    allx = [x for xs in out.values() for x in xs]
    n = max(1, len(allx))
    print(
        f"{args.clients} clients for {wall:.1f} s on loopback (after {args.warmup:g} s of "
        f"warm-up): {len(allx):,} requests, {len(allx) / wall:,.0f} requests/s, "
        f"errors: {len(errors)}"
    )
    print(
        f"CPU per request: server {1000 * cpu / n:.2f} ms (all workers)"
        + (f", PostgreSQL {1000 * dbcpu / n:.2f} ms" if pg else "")
        + f", load generator {1000 * mine / n:.2f} ms; load average {load0:.2f} at the "
        f"start, {os.getloadavg()[0]:.2f} at the end"
    )
    print(f"{'kind':<10} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for kind in ("room", "drafts", "feedback", "overlap", "amend"):
        xs = out.get(kind, [])
        print(
            f"{kind:<10} {len(xs):>9,} {1000 * _pct(xs, 0.5):>8.1f} {1000 * _pct(xs, 0.99):>8.1f}"
        )
    print(
        f"{'all':<10} {len(allx):>9,} {1000 * _pct(allx, 0.5):>8.1f} "
        f"{1000 * _pct(allx, 0.99):>8.1f}"
    )
    for e in errors[:5]:
        print("  error:", e)


def _settle(pid: int, workers: int, timeout: float = 180.0) -> float:
    """Wait until ``zopa serve`` has ``workers`` worker processes and all are idle (their
    start-up, imports and the room check, done): connections made earlier all go to the first
    worker up and stay there (keep-alive). Returns the seconds waited."""
    t0 = time.monotonic()
    last: dict[int, float] = {}
    while time.monotonic() - t0 < timeout:
        procs = _children(pid) if workers > 1 else [pid]
        now = {k: _tree_cpu(k) for k in procs}
        busy = [k for k in procs if now[k] - last.get(k, -1.0) > 0.05]
        if len(procs) >= workers and not busy:
            return time.monotonic() - t0
        last = now
        time.sleep(0.5)
    return time.monotonic() - t0


def _children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                text = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            if int(text.rsplit(")", 1)[1].split()[1]) == pid and "spawn_main" in Path(
                f"/proc/{d}/cmdline"
            ).read_bytes().decode(errors="replace"):
                out.append(int(d))
    return out


def _runner() -> Any:
    try:  # the load generator on libuv too, as the server: less CPU per request
        import uvloop
    except ImportError:
        return asyncio.run
    return uvloop.run


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--db", default=None, help="database URL (default: SQLite in a temp folder)")
    ap.add_argument("--workers", type=int, default=1, help="zopa serve --workers")
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured warm-up")
    args, _ = ap.parse_known_args(argv)  # run_all passes its own flags (e.g. --full)

    from tests.server.serving import Server
    from zopa.io.files import read_document
    from zopa.server import Policy, create_room, load_or_create_key, open_db

    key_text = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    os.environ["ZOPA_ROOM_KEY"] = key_text
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/bench-room.db"
        db = open_db(url)
        key = load_or_create_key(Path(tmp) / "unused.key", create=False)
        made = create_room(
            db,
            key,
            read_document(ROOT / "examples" / "ukraine-2025.yaml").data,
            policy=Policy.model_validate({"budget": 1000}),
            with_preferences=True,
        )
        db.dispose()
        tokens = {"mediator": made.mediator, **made.delegations}
        server = Server(
            url,
            {"ZOPA_ROOM_KEY": key_text},
            Path(tmp) / "serve.log",
            ("--workers", str(args.workers)),
        )
        try:
            print(
                f"zopa serve ({url.split('://')[0]}) on {server.url}, {args.workers} worker(s), "
                f"load average {os.getloadavg()[0]:.2f} at the start"
            )
            waited = _settle(server.proc.pid, args.workers)
            print(f"every worker up and idle after {waited:.1f} s")
            before = set(_children(server.proc.pid))
            _runner()(_run(server.url, made.room, tokens, args, server.proc.pid, url))
            gone = before - set(_children(server.proc.pid))
            if gone:
                print(f"warning: {len(gone)} worker(s) died or were replaced during the run")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
