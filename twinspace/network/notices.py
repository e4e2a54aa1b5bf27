"""Notifications of the network's steps (contact requests, co-founding, approvals)."""

from __future__ import annotations

from typing import Any

from twinspace.db import UnitOfWork
from twinspace.events import record_event


async def tell(
    uow: UnitOfWork,
    user_id: int,
    kind: str,
    message: str,
    params: dict[str, Any],
    url: str,
    actor_id: int | None,
) -> None:
    """``message`` is an English msgid marked with N_; ``params`` plain strings and ints."""
    await record_event(
        uow,
        f"user:{user_id}",
        "notification.new",
        {"kind": kind, "message": message, "params": params, "url": url},
        actor_id=actor_id,
    )
