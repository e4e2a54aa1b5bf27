"""Socket.IO room names (SPEC.md §5) and what they point to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from twinspace.errors import Invalid
from twinspace.i18n import N_
from twinspace.payloads import INT_MAX
from twinspace.permissions import Room

ROOM_NAME_MAX = 200
_PATTERN = re.compile(
    r"^space:(?P<space>[1-9][0-9]{0,9}):"
    r"(?:(?P<fixed>home|members|activities|teachers|pupils|moderation)|page:(?P<page>[1-9][0-9]{0,9})|chat:(?P<chat>[^:\s]{1,64}))$"
)


@dataclass(frozen=True)
class RoomRef:
    name: str
    space_id: int
    kind: str  # home | teachers | pupils | page | chat
    key: str | None = None  # page id or chat room name


def parse_room(name: object) -> RoomRef:
    if not isinstance(name, str) or not name or len(name) > ROOM_NAME_MAX:
        raise Invalid(N_("A room name is required."))
    match = _PATTERN.match(name)
    if match is None:
        raise Invalid(N_("Unknown room name."))
    space_id = int(match["space"])
    if space_id > INT_MAX or int(match["page"] or 0) > INT_MAX:  # no row can have that id
        raise Invalid(N_("Unknown room name."))
    if match["fixed"]:
        return RoomRef(name, space_id, match["fixed"])
    if match["page"]:
        return RoomRef(name, space_id, "page", match["page"])
    return RoomRef(name, space_id, "chat", match["chat"])


def home_room(space_id: int) -> str:
    return f"space:{space_id}:home"


def members_room(space_id: int) -> str:
    """Home's members-only channel: people, walls, calendar (never public, even when Home is)."""
    return f"space:{space_id}:members"


def chat_room_name(space_id: int, chat_name: str) -> str:
    return f"space:{space_id}:chat:{chat_name}"


FIXED_KINDS = {
    "home": Room.HOME,
    "activities": Room.ACTIVITIES,
    "teachers": Room.TEACHERS,
    "pupils": Room.PUPILS,
}
