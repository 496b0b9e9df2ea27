"""The mediation room: a server for confidential multi-party talks.

Each delegation enters its own private preferences (sealed at rest), the mediator circulates a
single negotiating text, and the engine tells each side only what the room's disclosure policy
allows (:mod:`zopa.server.disclose` builds every such answer). Parts:

- :mod:`~zopa.server.db` (SQLAlchemy 2 + Alembic), :mod:`~zopa.server.crypto` (AES-GCM, tokens),
  :mod:`~zopa.server.audit` (keyed event log), :mod:`~zopa.server.projection` (the state
  tables replayed from the log), :mod:`~zopa.io.policy` (the disclosure policy file),
- :mod:`~zopa.server.rooms` (changes), :mod:`~zopa.server.questions` (the registry of
  disclosure questions), :mod:`~zopa.server.disclose` (views), :mod:`~zopa.server.schemas`,
- :mod:`~zopa.server.api` (JSON under /api), :mod:`~zopa.server.pages` (HTML), and
  :func:`~zopa.server.app.create_app`.

FastAPI and SQLAlchemy load only when this package is imported, never by ``zopa --help``.
"""

from __future__ import annotations

from zopa.io.policy import Policy, load_policy
from zopa.server.app import create_app
from zopa.server.audit import verify
from zopa.server.crypto import load_or_create_key
from zopa.server.db import open_db
from zopa.server.rooms import create_room

__all__ = [
    "Policy",
    "create_app",
    "create_room",
    "load_or_create_key",
    "load_policy",
    "open_db",
    "verify",
]
