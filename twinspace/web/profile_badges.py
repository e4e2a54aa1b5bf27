"""Badges shown on a teacher's profile (the people directory's member page and API, a
TwinSpace member's profile), from features that sit above the ones showing them. A feature
registers a provider from ``twinspace/wiring.py`` (the label: its awarded labels); network
and people ask ``teacher_badges`` and never import the feature."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

TeacherBadges = Callable[[AsyncSession, int], Awaitable[list[dict[str, Any]]]]

_PROVIDERS: dict[str, TeacherBadges] = {}


def provide_teacher_badges(name: str, provider: TeacherBadges) -> None:
    """``provider(session, user_id)`` gives a teacher's badges. ``name`` makes registering
    twice harmless (the second replaces the first)."""
    _PROVIDERS[name] = provider


def badge_providers() -> list[str]:
    return sorted(_PROVIDERS)


async def teacher_badges(session: AsyncSession, user_id: int) -> list[dict[str, Any]]:
    """Every registered provider's badges for this teacher, in the order they registered."""
    found: list[dict[str, Any]] = []
    for provider in list(_PROVIDERS.values()):
        found.extend(await provider(session, user_id))
    return found
