"""Per-answer masking of the session's CSRF token (as Django does against BREACH).

Pages are compressed, and a secret repeated in every compressed page beside text an attacker
can choose leaks through the answer's length. Each page therefore carries the token under a
fresh random mask: ``mask + (token + mask)`` over the URL-safe alphabet. The server accepts the
masked form and the plain token (API clients send the one ``POST /api/v1/session`` returned)."""

from __future__ import annotations

import hmac
import secrets
import string

ALPHABET = string.ascii_letters + string.digits + "-_"
_INDEX = {char: i for i, char in enumerate(ALPHABET)}
assert len(ALPHABET) == 64


def mask_token(token: str) -> str:
    if not token or any(char not in _INDEX for char in token):
        return token
    mask = [byte & 63 for byte in secrets.token_bytes(len(token))]  # 64 letters: uniform
    return "".join(ALPHABET[m] for m in mask) + "".join(
        ALPHABET[(_INDEX[t] + m) & 63] for t, m in zip(token, mask, strict=True)
    )


def _unmask(value: str) -> str | None:
    half = len(value) // 2
    mask, cipher = value[:half], value[half:]
    try:
        return "".join(
            ALPHABET[(_INDEX[c] - _INDEX[m]) % len(ALPHABET)]
            for c, m in zip(cipher, mask, strict=True)
        )
    except KeyError:
        return None


def token_matches(sent: str | None, token: str) -> bool:
    if not sent or not token:
        return False
    if len(sent) == 2 * len(token):
        unmasked = _unmask(sent)
        return unmasked is not None and hmac.compare_digest(unmasked, token)
    return hmac.compare_digest(sent.encode(), token.encode())
