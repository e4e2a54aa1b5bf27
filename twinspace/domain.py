"""Domain events inside one process: when something happens that other features react to (a
project's TwinSpace opens), the feature that did it publishes a small fact and the
subscribers react in the same transaction — so the first feature never imports the others.

    await publish(uow, SpaceOpened(space_id=space.id, project_id=project.id))

Subscribers are registered by the entry layer (``twinspace/wiring.py``). A subscriber that
raises aborts the whole transaction, as if the write had failed: nothing is half-done.
These are not the stored, broadcast events of ``events.py``; a reaction that wants browsers
to know records those as usual.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from twinspace.db import UnitOfWork

E = TypeVar("E")
Reaction = Callable[[UnitOfWork, Any], Awaitable[None]]
_SUBSCRIBERS: dict[type, dict[str, Reaction]] = {}


@dataclass(frozen=True)
class SpaceOpened:
    """A project was approved and its TwinSpace exists (founders are members already)."""

    space_id: int
    project_id: int


def subscribe(
    event_type: type[E], name: str, reaction: Callable[[UnitOfWork, E], Awaitable[None]]
) -> None:
    """Run ``reaction(uow, event)`` for every published event of this type. ``name`` makes
    registering twice harmless (the second replaces the first)."""
    _SUBSCRIBERS.setdefault(event_type, {})[name] = reaction


def unsubscribe(event_type: type, name: str) -> None:
    _SUBSCRIBERS.get(event_type, {}).pop(name, None)


def subscribers(event_type: type) -> list[str]:
    return sorted(_SUBSCRIBERS.get(event_type, {}))


async def publish(uow: UnitOfWork, event: object) -> None:
    """Every subscriber reacts now, in ``uow``'s transaction, in the order they subscribed."""
    for reaction in list(_SUBSCRIBERS.get(type(event), {}).values()):
        await reaction(uow, event)
