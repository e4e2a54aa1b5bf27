"""The content epoch: one number that changes with every committed write to anything a page
may show, so that a process may keep rendered pages (``twinspace/web/page_cache.py``) and
still never serve one that a write — in this process, another process or a CLI command —
has made untrue.

It is bumped in the writing transaction by session hooks (ORM flushes and ORM-executed
INSERT/UPDATE/DELETE), like the access epoch, for every table except those that no cached
page shows and that change all the time:

- the live state: sockets, nodes, chat presence, login sessions and attempts;
- the chat's messages (the chat page is never cached, and counting them in would make
  every chat message a write to one hot row);
- ``events`` and ``room_counters``: every event is written with the row it tells about
  (a blog post, a membership), which bumps the epoch already;
- notifications (only their unread count reaches a page, and it is part of the cache key).

A table added to this list must not be read by a cached view. The number is the sum of
16 rows, each transaction bumping one at random: on PostgreSQL a writer holds one row's lock
until it commits, and one row for every write of the installation would make them all
commit one after the other.
"""

from __future__ import annotations

from sqlalchemy.sql.selectable import ScalarSelect

from twinspace import epochs

EPOCH_KEY = "epoch:content"  # room names all start with "space:" or "user:"
SHARDS = 16  # rows: on PostgreSQL, writers of different TwinSpaces seldom wait for one row
NOT_SHOWN_ON_CACHED_PAGES = frozenset(
    {
        "room_counters",
        "events",
        "live_sockets",
        "server_nodes",
        "chat_presence",
        "chat_messages",
        "chat_message_edits",
        "auth_sessions",
        "login_attempts",
        "notifications",
    }
)


def _shown(table: str, _deleting: bool) -> bool:
    return table not in NOT_SHOWN_ON_CACHED_PAGES


epochs.bump_on_writes(EPOCH_KEY, _shown, SHARDS)


def content_epoch_column() -> ScalarSelect[int]:
    return epochs.sharded_column(EPOCH_KEY, SHARDS)
