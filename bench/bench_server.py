"""Load test of the mediation room on loopback: many concurrent clients against ``zopa serve``.

Starts ``zopa serve`` (SQLite in a temporary folder, the Ukraine example with preferences
entered) on a free 127.0.0.1 port, then runs ``--clients`` asyncio clients for ``--seconds``
seconds. Each client loops over a mix of what a room sees: the room skeleton (mediator), a
delegation's feedback on a draft (decrypts and evaluates), the drafts list, the overlap answer
(a repeat, not counted against the budget) and, one request in ten, an amendment (a write,
retried on 409). Prints requests/s and p50/p99 latency overall and per kind.

Beside requests/s and latency it prints the load average and the CPU time the server
processes (every worker) and the load generator spent per request, which the machine's other
load does not inflate: the capacity of a quiet machine is about its cores / server CPU s per
request.

Run: ``python bench/bench_server.py [--clients 50] [--seconds 30] [--db URL] [--workers N]``
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


async def _client(
    n: int,
    base: str,
    room: str,
    tokens: dict[str, str],
    until: float,
    out: dict[str, list[float]],
    errors: list[str],
) -> None:
    import httpx2 as httpx

    parties = ["ukraine", "russia", "europe"]
    party = parties[n % 3]
    med = {"Authorization": f"Bearer {tokens['mediator']}"}
    me = {"Authorization": f"Bearer {tokens[party]}"}
    version = 1
    change = {
        "ukraine": ("amnesty", "none"),
        "russia": ("amnesty", "full"),
        "europe": ("eu", "fixed_date"),
    }[party]
    k = n
    async with httpx.AsyncClient(base_url=base, timeout=30) as c:
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
                r = await c.get(f"/api/rooms/{room}", headers=med)
            elif kind == "drafts":
                r = await c.get(f"/api/rooms/{room}/drafts", headers=me)
            elif kind == "feedback":
                r = await c.get(f"/api/rooms/{room}/drafts/geneva/feedback", headers=me)
            elif kind == "overlap":
                r = await c.get(f"/api/rooms/{room}/overlap", headers=med)
            else:
                r = await c.post(
                    f"/api/rooms/{room}/drafts/plan-20/amendments",
                    headers=me,
                    json={"changes": {change[0]: change[1]}, "base_version": version},
                )
                if r.status_code == 409:
                    version = r.json()["current_version"]
                elif r.status_code == 201:
                    version = r.json()["version"]
            dt = time.perf_counter() - t0
            if r.status_code >= 500 or (r.status_code >= 400 and r.status_code != 409):
                errors.append(f"{kind}: {r.status_code} {r.text[:100]}")
            out.setdefault(kind, []).append(dt)


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
    base: str, room: str, tokens: dict[str, str], clients: int, seconds: float, server_pid: int
) -> None:
    out: dict[str, list[float]] = {}
    errors: list[str] = []
    until = time.monotonic() + seconds
    cpu0, mine0 = _tree_cpu(server_pid), time.process_time()
    t0 = time.perf_counter()
    await asyncio.gather(
        *(_client(n, base, room, tokens, until, out, errors) for n in range(clients))
    )
    wall = time.perf_counter() - t0
    cpu, mine = _tree_cpu(server_pid) - cpu0, time.process_time() - mine0
    allx = [x for xs in out.values() for x in xs]
    n = max(1, len(allx))
    print(
        f"{clients} clients for {wall:.1f} s on loopback: {len(allx):,} requests, "
        f"{len(allx) / wall:,.0f} requests/s, errors: {len(errors)}"
    )
    print(
        f"CPU per request: server {1000 * cpu / n:.2f} ms (all workers), load generator "
        f"{1000 * mine / n:.2f} ms; load average {os.getloadavg()[0]:.2f} at the end"
    )
    print(f"{'kind':<10} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for kind in ("room", "drafts", "feedback", "overlap", "amend"):
        xs = out.get(kind, [])
        print(
            f"{kind:<10} {len(xs):>9,} {1000 * _pct(xs, 0.5):>8.1f} {1000 * _pct(xs, 0.99):>8.1f}"
        )
    print(
        f"{'all':<10} {len(allx):>9,} {1000 * statistics.median(allx):>8.1f} "
        f"{1000 * _pct(allx, 0.99):>8.1f}"
    )
    for e in errors[:5]:
        print("  error:", e)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--db", default=None, help="database URL (default: SQLite in a temp folder)")
    ap.add_argument("--workers", type=int, default=1, help="zopa serve --workers")
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
            time.sleep(1.0)  # every worker is up
            asyncio.run(
                _run(server.url, made.room, tokens, args.clients, args.seconds, server.proc.pid)
            )
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
