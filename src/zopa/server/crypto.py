"""Keys, encryption at rest and tokens.

- The *room key* (32 bytes) comes from ``ZOPA_ROOM_KEY`` (base64, 32 bytes) or from a key file
  created with mode 0600; it never enters the database.
- Each delegation's preferences are sealed with AES-256-GCM under a fresh *data key* of its
  own; the data key is stored wrapped (AES-GCM) by the room key. The associated data binds a
  ciphertext to its room and party, so a blob copied onto another delegation's row fails to open.
- Tokens carry 256 random bits; the database keeps only their SHA-256.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from zopa.errors import ZopaError

__all__ = [
    "KEY_ENV",
    "KeyError_",
    "RoomKey",
    "hash_token",
    "load_or_create_key",
    "new_token",
]

KEY_ENV = "ZOPA_ROOM_KEY"
_NONCE = 12


class KeyError_(ZopaError):
    """The room key is missing, malformed, too widely readable, or does not open the data."""


def new_token() -> str:
    """A bearer token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What the database stores of a token (SHA-256, hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class RoomKey:
    """AES-GCM sealing under the room key (wrapping data keys) and under data keys."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise KeyError_(f"the room key must be 32 bytes, got {len(key)}")
        self._aead = AESGCM(key)
        self.fingerprint = hashlib.sha256(b"zopa-room-key" + key).hexdigest()[:16]

    def wrap(self, data_key: bytes, context: str) -> bytes:
        return _seal(self._aead, data_key, context)

    def unwrap(self, blob: bytes, context: str) -> bytes:
        return _open(self._aead, blob, context, "the room key does not open this data key")

    def seal(self, plaintext: bytes, context: str) -> tuple[bytes, bytes]:
        """``(wrapped data key, ciphertext)`` under a fresh data key."""
        data_key = AESGCM.generate_key(bit_length=256)
        return self.wrap(data_key, context), _seal(AESGCM(data_key), plaintext, context)

    def open(self, wrapped: bytes, ciphertext: bytes, context: str) -> bytes:
        data_key = self.unwrap(wrapped, context)
        return _open(AESGCM(data_key), ciphertext, context, "the ciphertext does not open")


def _seal(aead: AESGCM, plaintext: bytes, context: str) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + aead.encrypt(nonce, plaintext, context.encode("utf-8"))


def _open(aead: AESGCM, blob: bytes, context: str, what: str) -> bytes:
    try:
        return aead.decrypt(blob[:_NONCE], blob[_NONCE:], context.encode("utf-8"))
    except (InvalidTag, ValueError):
        raise KeyError_(f"{what} (wrong room key, or the stored data was altered)") from None


def _decode(text: str, where: str) -> bytes:
    text = text.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise KeyError_(
            f"{where} is not a base64 key of 32 bytes; make one with `python -c "
            "'import secrets, base64; "
            "print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())'`"
        )
    return raw


def load_or_create_key(key_file: Path, *, create: bool) -> RoomKey:
    """The room key from ``ZOPA_ROOM_KEY``, else from ``key_file`` (created 0600 if asked)."""
    env = os.environ.get(KEY_ENV)
    if env:
        return RoomKey(_decode(env, KEY_ENV))
    if key_file.exists():
        mode = stat.S_IMODE(key_file.stat().st_mode)
        if mode & 0o077:
            raise KeyError_(
                f"the key file {key_file} is readable by others (mode {mode:o}); "
                f"run `chmod 600 {key_file}`"
            )
        return RoomKey(_decode(key_file.read_text("ascii"), str(key_file)))
    if not create:
        raise KeyError_(
            f"no room key: set {KEY_ENV} or give the key file made by `zopa room create` "
            f"(looked for {key_file})"
        )
    key = secrets.token_bytes(32)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(base64.urlsafe_b64encode(key).decode("ascii") + "\n")
    return RoomKey(key)
