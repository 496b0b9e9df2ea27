"""The errors a room raises, each with the HTTP status it maps to.

Their own module, below :mod:`zopa.server.rooms` and :mod:`zopa.server.audit`, so that both
raise them without importing each other (``rooms`` re-exports them).
"""

from __future__ import annotations

from zopa.errors import ZopaError

__all__ = [
    "Conflict",
    "Forbidden",
    "Locked",
    "NotFound",
    "PreconditionRequired",
    "Refused",
    "RoomError",
]


class RoomError(ZopaError):
    """A request the room refuses; ``status`` is the HTTP status it maps to."""

    status = 400


class NotFound(RoomError):
    status = 404


class Forbidden(RoomError):
    status = 403


class Conflict(RoomError):
    """A write against a stale version; carries the current one."""

    status = 409

    def __init__(self, message: str, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version


class Locked(RoomError):
    """Preferences an answer has used, past the policy's round cap."""

    status = 409


class Refused(RoomError):
    """A room the server will not serve: an older format, or state its event log contradicts."""

    status = 503


class PreconditionRequired(RoomError):
    status = 428
