"""The access epoch: one number that changes with every committed write to the rows that
decide who may do what (TwinSpaces, memberships, chat rooms and their groups, mutes, word
filters, deleted accounts).

Hot paths (a chat message) keep what they checked in a per-process cache and read the
epoch inside their own write transaction: one primary-key read. A different epoch means
something that decides access changed, in this process or any other (a CLI command, a
second server process): the cache is dropped and everything is read again. So the very
next message after a mute, a lock, a removal or a role change is checked against the new
state, with or without Redis, whatever the order in which processes hear about it.

The epoch is bumped in the writing transaction itself by session hooks (ORM flushes and
ORM-executed INSERT/UPDATE/DELETE), so no write path can forget it. The hooks are
registered when this module is imported: by the chat (so every server process) and by
``twinspace.cli`` (so every command that writes). It lives in the ``room_counters`` table
under a key that no room name can take.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from twinspace import epochs

EPOCH_KEY = "epoch:access"  # room names all start with "space:" or "user:"
WATCHED_TABLES = frozenset(
    {
        "spaces",
        "memberships",
        "chat_rooms",
        "chat_room_members",
        "chat_mutes",
        "chat_word_filters",
    }
)
WATCHED_DELETES = frozenset({"users"})  # cascades remove memberships without the ORM


def _touches(table: str, deleting: bool) -> bool:
    return table in WATCHED_TABLES or (deleting and table in WATCHED_DELETES)


epochs.bump_on_writes(EPOCH_KEY, _touches)


async def read_epoch(session: AsyncSession) -> int:
    """The epoch as this transaction sees it (0 before the first bump)."""
    return await epochs.read(session, EPOCH_KEY)
