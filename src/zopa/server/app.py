"""The ASGI application: :func:`create_app` wires the database, the room key, the API and the
pages; errors become JSON with the right status, never a 500 with a traceback."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from zopa.errors import ScenarioError
from zopa.server.auth import LoginLimiter
from zopa.server.crypto import KeyError_, RoomKey
from zopa.server.db import Database
from zopa.server.rooms import Conflict, RoomError

__all__ = ["MAX_BODY", "RoomApp", "create_app"]

MAX_BODY = 1024 * 1024


@dataclass
class RoomApp:
    db: Database
    key: RoomKey
    limiter: LoginLimiter = field(default_factory=LoginLimiter)


def create_app(db: Database, key: RoomKey, *, limiter: LoginLimiter | None = None) -> FastAPI:
    from zopa.server import api, pages

    app = FastAPI(
        title="zopa mediation room",
        version="1",
        description="Confidential multi-party talks: private preferences, one negotiating text, "
        "answers limited by the room's disclosure policy. See docs/server.md.",
    )
    app.state.room_app = RoomApp(db, key, limiter or LoginLimiter())
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.middleware("http")
    async def limits(request: Request, call_next: Any) -> Response:
        size = request.headers.get("content-length")
        if size is not None and (not size.isdigit() or int(size) > MAX_BODY):
            return JSONResponse({"detail": f"the body is over {MAX_BODY:,} bytes"}, 413)
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
        )
        return response

    @app.exception_handler(Conflict)
    async def conflict(_: Request, exc: Conflict) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "current_version": exc.current_version}, 409)

    @app.exception_handler(RoomError)
    async def refused(_: Request, exc: RoomError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, exc.status)

    @app.exception_handler(ScenarioError)
    async def invalid(_: Request, exc: ScenarioError) -> JSONResponse:
        return JSONResponse(
            {
                "detail": str(exc),
                "problems": [
                    {
                        "where": p.where,
                        "message": p.message,
                        "hint": p.hint,
                        "line": p.line,
                        "column": p.column,
                    }
                    for p in exc.problems
                ],
            },
            422,
        )

    @app.exception_handler(KeyError_)
    async def bad_key(_: Request, exc: KeyError_) -> JSONResponse:
        return JSONResponse({"detail": f"the server cannot open this room's data: {exc}"}, 503)

    pages.html_errors(app)  # pages answer errors as pages, with the same status
    return app
