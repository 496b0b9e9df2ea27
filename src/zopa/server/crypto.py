"""Keys, encryption at rest and tokens.

- The *room key* (32 bytes) comes from ``ZOPA_ROOM_KEY`` (base64, 32 bytes) or from a key file
  created with mode 0600; it never enters the database.
- Each delegation's preferences are sealed with AES-256-GCM under a fresh *data key* of its
  own; the data key is stored wrapped (AES-GCM) by the room key. The associated data binds a
  ciphertext to its room and party, so a blob copied onto another delegation's row fails to open.
- Every value *derived* from a delegation's data (each answer the room gives) is sealed with
  AES-256-GCM under a sealing key derived from the room key (HKDF), the associated data naming
  room, recipient and record, so a sealed answer moved to another row or recipient fails to open.
- The audit log is chained with HMAC-SHA-256 under a second key derived from the room key, so a
  chain cannot be rebuilt (or forged, or extended) without the key; member rows carry an HMAC
  tag over their token hash and role, so an inserted or edited member row is never served.
- Tokens carry 256 random bits; the database keeps only their SHA-256.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

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
        self._values = AESGCM(_derive(key, b"zopa room: sealed values"))
        self._mac_key = _derive(key, b"zopa room: event log and row tags")

    def seal_value(self, plaintext: bytes, context: str) -> bytes:
        """A value derived from private data, sealed; ``context`` names room, recipient and
        record (the AES-GCM associated data)."""
        return _seal(self._values, plaintext, context)

    def open_value(self, blob: bytes, context: str) -> bytes:
        return _open(self._values, blob, context, "a sealed answer does not open")

    def mac(self, *parts: str) -> str:
        """HMAC-SHA-256 (hex) of ``parts`` under the room's log key."""
        msg = "\x1f".join(parts).encode("utf-8", "surrogatepass")
        return hmac.new(self._mac_key, msg, hashlib.sha256).hexdigest()

    def mac_ok(self, tag: str, *parts: str) -> bool:
        return hmac.compare_digest(tag.encode(), self.mac(*parts).encode())

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


def _derive(key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)


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
        return RoomKey(_decode(_read_key_file(key_file), str(key_file)))
    if not create:
        raise KeyError_(
            f"no room key: set {KEY_ENV} or give the key file made by `zopa room create` "
            f"(looked for {key_file})"
        )
    key = secrets.token_bytes(32)
    try:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(base64.urlsafe_b64encode(key).decode("ascii") + "\n")
    except OSError as exc:
        raise KeyError_(
            f"cannot create the key file {key_file}: {exc.strerror or exc}; "
            "choose another path with --key-file"
        ) from None
    return RoomKey(key)


def _read_key_file(key_file: Path) -> str:
    """The text of a key file that only its owner can read; every fault names the file."""
    try:
        if not key_file.is_file():
            raise KeyError_(f"the key file {key_file} is not a regular file; give the key file")
        mode = stat.S_IMODE(key_file.stat().st_mode)
        if mode & 0o077:
            raise KeyError_(
                f"the key file {key_file} is readable by others (mode {mode:o}); "
                f"run `chmod 600 {key_file}`"
            )
        raw = key_file.read_bytes()[:4096]
    except OSError as exc:
        raise KeyError_(f"cannot read the key file {key_file}: {exc.strerror or exc}") from None
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        raise KeyError_(
            f"the key file {key_file} is not a room key (binary or non-ASCII content); "
            "give the file `zopa room create` made, or set ZOPA_ROOM_KEY"
        ) from None
