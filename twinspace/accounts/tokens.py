"""Signed links sent by mail. A token says what it is for, whose account and until when; its
signature also covers a fingerprint of the account's current state (the password hash for a
reset, the address for a verification), so a link stops working once it has been used or
once that state changes: one-time without a table of issued tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

TOKEN_MAX = 300


@dataclass(frozen=True)
class TokenClaim:
    purpose: str
    user_id: int
    expires: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signature(secret: str, payload: str, fingerprint: str) -> str:
    key = hashlib.sha256(f"twinspace-mail-link:{secret}".encode()).digest()
    digest = hmac.new(key, f"{payload}|{fingerprint}".encode(), hashlib.sha256).digest()
    return _b64(digest)


def make_token(
    secret: str, purpose: str, user_id: int, fingerprint: str, ttl_seconds: int, now: float = 0
) -> str:
    expires = int((now or time.time()) + ttl_seconds)
    payload = f"{purpose}.{user_id}.{expires}"
    return f"{payload}.{_signature(secret, payload, fingerprint)}"


def read_claim(token: object, purpose: str, now: float = 0) -> TokenClaim | None:
    """The unverified claim of a well-formed, unexpired token for ``purpose``."""
    if not isinstance(token, str) or len(token) > TOKEN_MAX:
        return None
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != purpose:
        return None
    try:
        user_id, expires = int(parts[1]), int(parts[2])
    except ValueError:
        return None
    if expires < (now or time.time()):
        return None
    return TokenClaim(purpose, user_id, expires)


def signature_matches(secret: str, token: str, fingerprint: str) -> bool:
    payload, _, signature = token.rpartition(".")
    return hmac.compare_digest(signature, _signature(secret, payload, fingerprint))
