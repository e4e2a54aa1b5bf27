"""Which meeting a request or socket event is about, and what the policy needs to know
about it (``load_meeting``); the names of its Socket.IO rooms and of its page."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.errors import Invalid, NotFound
from twinspace.i18n import N_
from twinspace.permissions import (
    TEACHER_ROLES,
    Action,
    MeetingFacts,
    SpaceFacts,
    Viewer,
    access_chat_room,
    access_meeting_room,
)
from twinspace.rooms.chat.actions import get_chat_room
from twinspace.rooms.chat.context import get_chat_room_facts
from twinspace.rooms.meeting.models import Meeting, MeetingGuest, MeetingParticipant
from twinspace.spaces.models import Space
from twinspace.spaces.queries import facts, get_space, get_viewer

_KEY = re.compile(r"^(space|teachers|chat:[^:\s/]{1,64})$")
TEACHER_ROLE_VALUES = [r.value for r in TEACHER_ROLES]


def parse_meeting_key(raw: object) -> str:
    """space (the TwinSpace's meeting), teachers (the Teachers' room's), chat:<room name>."""
    if not isinstance(raw, str) or not _KEY.match(raw):
        raise Invalid(N_("Unknown meeting."))
    return raw


def meeting_room_name(space_id: int, key: str) -> str:
    """The Socket.IO room of the people in a meeting (signalling and presence)."""
    return f"space:{space_id}:meeting:{key}"


def lobby_room_name(space_id: int, key: str) -> str:
    """The Socket.IO room of the pages showing a meeting room (is it on? may I join?)."""
    return f"space:{space_id}:meeting-lobby:{key}"


def meeting_path(space_id: int, key: str) -> str:
    if key == "space":
        return f"/spaces/{space_id}/meeting"
    if key == "teachers":
        return f"/spaces/{space_id}/meeting/teachers"
    return f"/spaces/{space_id}/chat/{key.removeprefix('chat:')}/meeting"


@dataclass(frozen=True)
class MeetingContext:
    space: Space
    key: str
    viewer: Viewer
    space_facts: SpaceFacts
    facts: MeetingFacts
    meeting: Meeting | None
    title: str  # the chat room's title, for a chat room's meeting

    @property
    def room(self) -> str:
        return meeting_room_name(self.space.id, self.key)

    @property
    def lobby(self) -> str:
        return lobby_room_name(self.space.id, self.key)


async def get_active_meeting(session: AsyncSession, space_id: int, key: str) -> Meeting | None:
    return await session.scalar(
        select(Meeting)
        .where(Meeting.space_id == space_id, Meeting.key == key, Meeting.ended_at.is_(None))
        .order_by(Meeting.id.desc())
        .limit(1)
    )


async def load_meeting(
    session: AsyncSession,
    user: User | None,
    space_id: int,
    key: str,
    *,
    sid: str | None = None,
    external: bool = False,
    check: bool = True,
) -> MeetingContext:
    """A meeting room with what the policy needs; raises NotFound for whoever may not see it
    (``check=False``: the server itself, telling everyone what changed)."""
    key = parse_meeting_key(key)
    space = await get_space(session, space_id)
    if space is None:
        raise NotFound(N_("No such room."))
    viewer = await get_viewer(session, user, space.id)
    space_facts = facts(space)
    title = ""
    if key.startswith("chat:"):
        chat = await get_chat_room(session, space.id, key.removeprefix("chat:"))
        if chat is None:
            raise NotFound(N_("No such room."))
        if check:
            access_chat_room(
                viewer, space_facts, await get_chat_room_facts(session, chat, user), Action.READ
            )
        title = chat.title or chat.name
    kind = key.split(":")[0]
    meeting = await get_active_meeting(session, space.id, key)
    meeting_facts = MeetingFacts(kind=kind, external=external)
    if meeting is not None:
        others = select(func.count()).where(MeetingParticipant.meeting_id == meeting.id)
        if sid is not None:
            others = others.where(MeetingParticipant.sid != sid)
        teachers = await session.scalar(
            select(func.count()).where(
                MeetingParticipant.meeting_id == meeting.id,
                MeetingParticipant.role.in_(TEACHER_ROLE_VALUES),
            )
        )
        status = None
        if user is not None:
            status = await session.scalar(
                select(MeetingGuest.status)
                .where(MeetingGuest.meeting_id == meeting.id, MeetingGuest.user_id == user.id)
                .order_by(MeetingGuest.id.desc())
                .limit(1)
            )
        meeting_facts = replace(
            meeting_facts,
            active=True,
            locked=meeting.locked,
            # an outside server does not tell us who is there: a started meeting is a
            # teacher's meeting until a teacher ends it
            teacher_present=bool(teachers) or external,
            invited=status == "invited",
            removed=status == "removed",
            participants=await session.scalar(others) or 0,
        )
    context = MeetingContext(space, key, viewer, space_facts, meeting_facts, meeting, title)
    if check:
        access_meeting_room(viewer, space_facts, meeting_facts)
    return context
