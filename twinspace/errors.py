"""Errors are values with a code: one HTTP status and one socket ack shape per code."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def ack(self) -> dict[str, Any]:
        return {"ok": False, "error": self.code, "message": self.message, **self.details}


class Invalid(DomainError):
    code, status = "invalid", 400


class Unauthorized(DomainError):
    code, status = "unauthorized", 401


class Forbidden(DomainError):
    code, status = "forbidden", 403


class NotFound(DomainError):
    code, status = "not_found", 404


class Conflict(DomainError):
    code, status = "conflict", 409


class RateLimited(DomainError):
    code, status = "rate_limited", 429


class Locked(Forbidden):
    code = "locked"


class Muted(Forbidden):
    code = "muted"


class Unsupervised(Forbidden):
    code = "unsupervised"


class SlowMode(RateLimited):
    code = "slow_mode"


class Busy(DomainError):
    """The server is overloaded: refused at once (never held), with ``retry_after`` seconds."""

    code, status = "busy", 503
