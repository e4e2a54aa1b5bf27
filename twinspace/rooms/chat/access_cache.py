"""What a chat message's checks need, kept per process and trusted only for one access epoch.

Per chat room: the TwinSpace's facts, the room's settings (audience, lock, slow mode,
supervision, archived), its chosen group, its mutes and the TwinSpace's word filter; per
member and TwinSpace: the member's role. Everything is dropped as soon as the access epoch
read in the sending transaction differs from the one it was loaded under (see
``twinspace/access_epoch.py``), so a cached answer is never older than the transaction
that uses it.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.db import Database, utcnow
from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.permissions import ChatRoomFacts, Role, SpaceFacts, role_from_membership
from twinspace.rooms.chat.context import room_facts
from twinspace.rooms.chat.models import ChatMute, ChatRoom, ChatRoomMember, WordFilter
from twinspace.spaces.models import Membership, Space
from twinspace.spaces.queries import facts

ROOMS_MAX = 10_000  # entries kept before the cache starts again from empty
ROLES_MAX = 100_000


@dataclass(frozen=True)
class RoomAccess:
    room: ChatRoom  # a detached copy: read its columns only
    space: SpaceFacts
    group: frozenset[int]
    mutes: dict[int, datetime]  # user id -> muted until (the latest)
    word_filter: re.Pattern[str] | None

    def facts_for(self, user_id: int) -> ChatRoomFacts:
        return room_facts(self.room, user_id in self.group)

    def held_by_filter(self, text: str) -> bool:
        return self.word_filter is not None and self.word_filter.search(text.casefold()) is not None


def _word_pattern(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w.casefold()) for w in sorted(set(words)))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


class ChatAccessCache:
    def __init__(self) -> None:
        self.epoch = -1
        self.rooms: dict[tuple[int, str], RoomAccess] = {}
        self.roles: dict[tuple[int, int], Role] = {}

    def sync(self, epoch: int) -> None:
        if epoch != self.epoch:
            self.rooms.clear()
            self.roles.clear()
            self.epoch = epoch

    async def room(self, session: AsyncSession, space_id: int, name: str) -> RoomAccess:
        key = (space_id, name)
        found = self.rooms.get(key)
        if found is None:
            found = await _load_room(session, space_id, name)
            if len(self.rooms) >= ROOMS_MAX:
                self.rooms.clear()
            self.rooms[key] = found
        return found

    async def role(self, session: AsyncSession, user_id: int, space_id: int) -> Role:
        key = (user_id, space_id)
        found = self.roles.get(key)
        if found is None:
            value = await session.scalar(
                select(Membership.role).where(
                    Membership.space_id == space_id, Membership.user_id == user_id
                )
            )
            found = role_from_membership(value)
            if len(self.roles) >= ROLES_MAX:
                self.roles.clear()
            self.roles[key] = found
        return found


async def _load_room(session: AsyncSession, space_id: int, name: str) -> RoomAccess:
    space = await session.get(Space, space_id)
    room = (
        await session.scalar(
            select(ChatRoom).where(ChatRoom.space_id == space_id, ChatRoom.name == name)
        )
        if space is not None
        else None
    )
    if space is None or room is None:
        raise NotFound(N_("No such room."))
    group = frozenset(
        await session.scalars(
            select(ChatRoomMember.user_id).where(ChatRoomMember.room_id == room.id)
        )
    )
    mutes = {
        user_id: until
        for user_id, until in await session.execute(
            select(ChatMute.user_id, func.max(ChatMute.until))
            .where(ChatMute.room_id == room.id, ChatMute.until > utcnow())
            .group_by(ChatMute.user_id)
        )
    }
    for user_id, until in mutes.items():
        if until.tzinfo is None:  # SQLite's aggregate loses the column type
            mutes[user_id] = until.replace(tzinfo=utcnow().tzinfo)
    words = list(
        await session.scalars(select(WordFilter.word).where(WordFilter.space_id == space_id))
    )
    session.expunge(room)
    return RoomAccess(room, facts(space), group, mutes, _word_pattern(words))


_caches: weakref.WeakKeyDictionary[Database, ChatAccessCache] = weakref.WeakKeyDictionary()


def access_cache(db: Database) -> ChatAccessCache:
    cache = _caches.get(db)
    if cache is None:
        cache = _caches[db] = ChatAccessCache()
    return cache
