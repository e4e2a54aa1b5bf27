"""Notifications of the network's steps (contact requests, co-founding, approvals)."""

from __future__ import annotations

from twinspace.db import UnitOfWork
from twinspace.notifications.service import notify


async def tell(
    uow: UnitOfWork,
    user_id: int,
    kind: str,
    message: str,
    params: dict[str, str | int],
    url: str,
    actor_id: int | None,
) -> None:
    """``message`` is an English msgid marked with N_; ``params`` plain strings and ints.
    Stored and announced live on ``user:<id>`` once the unit of work commits."""
    await notify(
        uow, user_id=user_id, kind=kind, message=message, params=params, url=url, actor_id=actor_id
    )
