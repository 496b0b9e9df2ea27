"""Sign in to the room's pages with a test client, as a browser does (login CSRF, cookie)."""

from __future__ import annotations

import re
from typing import Any

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def sign_in(app: Any, token: str, room: str) -> tuple[Any, str]:
    """A TestClient signed in with ``token``, and the session's CSRF token."""
    from fastapi.testclient import TestClient

    c = TestClient(app, follow_redirects=False)
    page = c.get("/login")
    csrf = _CSRF.search(page.text)
    assert csrf is not None
    got = c.post("/login", data={"token": f"{room}:{token}", "csrf": csrf.group(1)})
    assert got.status_code == 303, got.text
    home = c.get(f"/rooms/{room}")
    found = _CSRF.search(home.text)
    assert found is not None
    return c, found.group(1)


def csrf_of(html: str) -> str:
    m = _CSRF.search(html)
    assert m is not None
    return m.group(1)
