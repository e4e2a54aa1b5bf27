"""The TwinSpace page shell (header, room tabs) shared by every room's and people's pages."""

from __future__ import annotations

from twinspace.permissions import Room
from twinspace.spaces.context import SpaceAccess


def shell_context(access: SpaceAccess, current: Room) -> dict[str, object]:
    return {
        "space": access.space,
        "access": access,
        "role": access.viewer.role.value,
        "current": current.value,
    }
